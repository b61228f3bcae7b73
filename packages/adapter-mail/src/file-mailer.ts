import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Mailer, OutgoingEmail } from '@authsvc/domain';
import MailComposer from 'nodemailer/lib/mail-composer';

/** A file name from a Message-ID: its characters that are safe in a name, the rest as `_`. */
const fileNameOf = (messageId: string): string => `${messageId.replace(/^<|>$/g, '').replace(/[^\w.@-]/g, '_')}.eml`;

/**
 * `Mailer` that writes each email as an RFC 5322 `.eml` file into a folder, as Django's file
 * backend does: for development and the embedded mode, which need no mail server. The file is
 * named after the Message-ID, so an email sent again after a crash replaces its own file.
 */
export class FileMailer implements Mailer {
  /** Writes into `dir`, created on the first send. */
  constructor(readonly dir: string) {}

  /** Writes the message, built by nodemailer's composer, under a temporary name first, so a reader never sees half an email. */
  async send(email: OutgoingEmail): Promise<void> {
    const message = await new MailComposer({
      messageId: email.messageId,
      from: email.from,
      to: email.to,
      subject: email.subject,
      text: email.text,
    })
      .compile()
      .build();
    await mkdir(this.dir, { recursive: true });
    const path = join(this.dir, fileNameOf(email.messageId));
    await writeFile(`${path}.tmp`, message);
    await rename(`${path}.tmp`, path);
  }
}
