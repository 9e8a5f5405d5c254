// A benchmark drives one server from one machine, as a handful of accounts, far faster than any
// person: the server's limits (writes per account, per new account and per client address; sign-ins
// and signed-out calls per address) would refuse most of it and measure the refusals. Every bench
// server runs with them off, as docs/loadgen.md tells load testers to.
export const NO_LIMITS = {
  APERTURE_WRITE_LIMITS: 'off',
  APERTURE_WRITE_LIMITS_NEW_ACCOUNT: 'off',
  APERTURE_WRITE_LIMITS_PER_ADDRESS: 'off',
  APERTURE_RATE_LIMIT_ANON_PER_MIN: '0',
  APERTURE_RATE_LIMIT_PASSWORD_PER_MIN: '0',
};
