import { callTrpc } from './server.js';

export async function registerUser(url: string, username: string): Promise<string> {
  const response = await callTrpc<{ token: string }>(url, 'accounts.register', {
    input: { username, email: `${username}@example.com`, password: 'correct horse battery' },
  });
  if (!response.body.result) throw new Error(`register failed: ${JSON.stringify(response.body)}`);
  return response.body.result.data.token;
}

export interface SignedUp {
  id: string;
  token: string;
  username: string;
}

/** Registers `username` and returns its id and token: the usual first step of a social test. */
export async function signUp(url: string, username: string): Promise<SignedUp> {
  const token = await registerUser(url, username);
  const me = await callTrpc<{ id: string }>(url, 'accounts.me', { type: 'query', token });
  if (!me.body.result) throw new Error(`accounts.me failed: ${JSON.stringify(me.body)}`);
  return { id: me.body.result.data.id, token, username };
}
