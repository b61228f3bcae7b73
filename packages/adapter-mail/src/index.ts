export {
  createMailBackend,
  mailDeliveryOptions,
  type MailBackend,
  type MailBackendSettings,
  type MailRetrySettings,
} from './create-mailer.js';
export { FileMailer } from './file-mailer.js';
export { fillUrlTemplate, renderMail, type MailTemplates } from './render-mail.js';
export { describeSmtpUrl, SmtpMailer } from './smtp-mailer.js';
