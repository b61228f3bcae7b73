/**
 * An email a use case asks to send: what it is about, to whom, and the secret its link carries.
 * The secret never leaves the mail queue except in the email itself: events carry no such field.
 */
export type MailRequest =
  | {
      readonly kind: 'password_reset';
      readonly to: string;
      readonly firstName: string;
      /** The account's public id in the link, as Django's `uid`. */
      readonly uid: string;
      /** The clear reset token; only its digest is stored beside the account. */
      readonly token: string;
    }
  | {
      readonly kind: 'email_verification';
      readonly to: string;
      readonly firstName: string;
      /** The clear verification key; only its digest is stored beside the account. */
      readonly key: string;
    };

/** The kinds of email the service sends. */
export type MailKind = MailRequest['kind'];

/**
 * Emails waiting to be delivered. Bound to a transaction, a queued email commits with the state
 * change that asked for it (a reset token and the email carrying it) or not at all; a mailer
 * delivers it later, never inside the request.
 */
export interface MailQueue {
  /** Queues one email for delivery. */
  enqueue(request: MailRequest): Promise<void>;
}
