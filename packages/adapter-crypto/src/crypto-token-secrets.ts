import { createHash, randomBytes } from 'node:crypto';
import type { TokenSecrets } from '@authsvc/domain';

/** DRF-compatible token secrets: 20 random bytes as 40 lowercase hex, stored as their SHA-256. */
export class CryptoTokenSecrets implements TokenSecrets {
  generate(): string {
    return randomBytes(20).toString('hex');
  }

  digest(secret: string): string {
    return createHash('sha256').update(secret, 'utf8').digest('hex');
  }
}
