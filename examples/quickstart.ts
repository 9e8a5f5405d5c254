// Signs in to an Aperture server (registering the account the first time) and prints who you are.
//
//   npm run example:quickstart
//
// Settings: APERTURE_SERVER (default http://127.0.0.1:4000), APERTURE_USERNAME, APERTURE_PASSWORD.
import { ApertureError, ConflictError, createClient } from '@aperture/sdk';

const url = process.env['APERTURE_SERVER'] ?? 'http://127.0.0.1:4000';
const username = process.env['APERTURE_USERNAME'] ?? 'quickstart';
const password = process.env['APERTURE_PASSWORD'] ?? 'quickstart-password';

const client = createClient({ url });

try {
  try {
    await client.auth.register({ username, email: `${username}@example.com`, password });
    console.log(`Registered ${username} on ${url}.`);
  } catch (error) {
    if (!(error instanceof ConflictError && error.code === 'USERNAME_TAKEN')) throw error;
    await client.auth.login({ username, password });
    console.log(`Signed in as ${username} on ${url}.`);
  }
  const me = await client.me();
  console.log(me);
} catch (error) {
  if (!(error instanceof ApertureError)) throw error;
  console.error(`${error.message} (${error.code})`);
  process.exitCode = 1;
}
