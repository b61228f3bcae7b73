import pg from 'pg';

/** Tries to log in at `url`: 'ok', or why not (the SQLSTATE, such as 28P01 for a wrong password, or the socket error's code). */
export async function loginOutcome(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  try {
    await client.connect();
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await client.end().catch(() => {});
  }
}
