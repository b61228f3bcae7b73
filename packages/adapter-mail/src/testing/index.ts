export { parseMail, readMailDir, startTestSmtpServer, type ReceivedMail, type TestSmtpServer } from './test-smtp-server.js';
