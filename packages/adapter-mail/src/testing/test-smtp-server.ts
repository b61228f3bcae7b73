import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** An email as a test reads it back: the headers that matter, the text, and the raw message. */
export interface ReceivedMail {
  readonly messageId: string;
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly raw: string;
}

/** A real SMTP server on loopback, from the `smtp-server` package, that keeps what it accepted. */
export interface TestSmtpServer {
  /** `smtp://user:password@127.0.0.1:port`: the server requires those credentials. */
  readonly url: string;
  /** The password in `url`, for checking that no log shows it. */
  readonly password: string;
  /** Every message accepted, in order. */
  readonly received: ReceivedMail[];
  /** How many of the next messages to refuse with `451 4.3.0`, after reading them; Infinity for all. */
  refuseNext: number;
  /** Told of each message it will accept, just before its 250 goes out: e.g. to freeze the sender (SIGSTOP). */
  onAccepting: ((mail: ReceivedMail) => void) | null;
  /** Told of each message right after its 250 went out: e.g. to kill the frozen sender before it can record it. */
  onAccepted: ((mail: ReceivedMail) => void) | null;
  close(): Promise<void>;
}

/** The ports the tests of this repository may listen on. */
const PORTS = { first: 48_200, last: 48_299 };
const USER = 'mailer';
const PASSWORD = 'smtp-test-secret';

const addresses = (field: AddressObject | AddressObject[] | undefined): string =>
  (Array.isArray(field) ? field : field ? [field] : []).map((address) => address.text).join(', ');

/** Parses an RFC 5322 message with mailparser, as a mail client would. */
export async function parseMail(raw: string): Promise<ReceivedMail> {
  const parsed = await simpleParser(raw);
  return {
    messageId: parsed.messageId ?? '',
    from: addresses(parsed.from),
    to: addresses(parsed.to),
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    raw,
  };
}

/** Every `.eml` file in `dir`, parsed; none when the folder does not exist yet. */
export async function readMailDir(dir: string): Promise<ReceivedMail[]> {
  const names = await readdir(dir).catch(() => []);
  return Promise.all(
    names
      .filter((name) => name.endsWith('.eml'))
      .sort()
      .map(async (name) => parseMail(await readFile(join(dir, name), 'utf8'))),
  );
}

/**
 * Starts the server on the first free port of the tests' range, without STARTTLS. With `tls`, it
 * speaks TLS from the first byte (`smtps://`), with smtp-server's self-signed certificate, which
 * the URL tells the client to accept.
 */
export async function startTestSmtpServer(options: { readonly tls?: boolean } = {}): Promise<TestSmtpServer> {
  const state: TestSmtpServer = {
    url: '',
    password: PASSWORD,
    received: [],
    refuseNext: 0,
    onAccepting: null,
    onAccepted: null,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    secure: options.tls === true,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth: (auth, _session, callback) =>
      auth.username === USER && auth.password === PASSWORD ? callback(null, { user: USER }) : callback(new Error('535 bad credentials')),
    onData: (stream, _session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        void (async () => {
          const mail = await parseMail(Buffer.concat(chunks).toString('utf8'));
          if (state.refuseNext > 0) {
            state.refuseNext -= 1;
            callback(Object.assign(new Error('4.3.0 try again later'), { responseCode: 451 }));
            return;
          }
          state.received.push(mail);
          state.onAccepting?.(mail);
          callback();
          state.onAccepted?.(mail);
        })();
      });
    },
  });
  // smtp-server re-emits every socket and listen error; unheard, one would end the test process
  // (a client killed mid-session resets its connection, which the crash tests do on purpose).
  server.on('error', () => {});
  for (let port = PORTS.first; port <= PORTS.last; port += 1) {
    const listening = await new Promise<boolean>((resolve) => {
      const onError = () => resolve(false);
      server.server.once('error', onError);
      server.listen(port, '127.0.0.1', () => {
        server.server.off('error', onError);
        resolve(true);
      });
    });
    const url = options.tls
      ? `smtps://${USER}:${PASSWORD}@127.0.0.1:${port}/?tls.rejectUnauthorized=false`
      : `smtp://${USER}:${PASSWORD}@127.0.0.1:${port}`;
    if (listening) return Object.assign(state, { url });
  }
  throw new Error(`no free port from ${PORTS.first} to ${PORTS.last} for the test SMTP server`);
}
