/** An email ready to go: rendered, addressed and identified. */
export interface OutgoingEmail {
  /** The Message-ID header, `<id@domain>`: the same on every attempt, so a duplicate is recognisable. */
  readonly messageId: string;
  readonly from: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

/** Delivers rendered emails: through an SMTP server, or into files. */
export interface Mailer {
  /** Resolves once the message was accepted (by the server, or written); rejects when it was not. */
  send(email: OutgoingEmail): Promise<void>;
}
