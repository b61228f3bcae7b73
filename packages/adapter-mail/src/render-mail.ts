import type { MailRequest, OutgoingEmail, QueuedMail } from '@authsvc/domain';

/** What the rendering needs besides the request: the sender and the link templates. */
export interface MailTemplates {
  /** The From address, as Django's DEFAULT_FROM_EMAIL. */
  readonly from: string;
  /** The reset link, with `{uid}` and `{token}` where the values go. */
  readonly passwordResetUrl: string;
  /** The verification link, with `{key}` where the key goes. */
  readonly emailVerificationUrl: string;
}

/** Puts each value in place of its `{name}`, URL-encoded so a value can never change the link's shape. */
export function fillUrlTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) => {
    const value = values[name];
    return value === undefined ? placeholder : encodeURIComponent(value);
  });
}

/** The part of an address after the `@`, for the Message-ID; `localhost` when there is none. */
function domainOf(address: string): string {
  const bare = /<([^>]*)>/.exec(address)?.[1] ?? address;
  const at = bare.lastIndexOf('@');
  return at >= 0 && at < bare.length - 1 ? bare.slice(at + 1).trim() : 'localhost';
}

/** The site's name in the texts, as Django's `site_name`: the link's host. */
const siteOf = (link: string): string => new URL(link).host;

/** Subject and text of one kind of email, in the words of Django's and allauth's own templates. */
function compose(request: MailRequest, templates: MailTemplates): { subject: string; text: string } {
  const greeting = request.firstName ? `Hello ${request.firstName},` : 'Hello,';
  if (request.kind === 'password_reset') {
    const link = fillUrlTemplate(templates.passwordResetUrl, { uid: request.uid, token: request.token });
    const site = siteOf(link);
    return {
      subject: `Password reset on ${site}`,
      text: [
        greeting,
        '',
        `You're receiving this email because you requested a password reset for your user account at ${site}.`,
        '',
        'Please go to the following page and choose a new password:',
        '',
        link,
        '',
        'If you did not ask for this, ignore this email: your password stays as it is. The link works once, and only for a limited time.',
        '',
        `The ${site} team`,
        '',
      ].join('\n'),
    };
  }
  const link = fillUrlTemplate(templates.emailVerificationUrl, { key: request.key });
  const site = siteOf(link);
  return {
    subject: `[${site}] Please Confirm Your Email Address`,
    text: [
      greeting,
      '',
      `You're receiving this email because this address was given to register an account on ${site}.`,
      '',
      `To confirm this is correct, go to ${link}`,
      '',
      `Thank you for using ${site}!`,
      '',
    ].join('\n'),
  };
}

/** The email for a claimed request; its Message-ID is the queue's id, the same on every attempt. */
export function renderMail(mail: QueuedMail, templates: MailTemplates): OutgoingEmail {
  return {
    messageId: `<${mail.id}@${domainOf(templates.from)}>`,
    from: templates.from,
    to: mail.request.to,
    ...compose(mail.request, templates),
  };
}
