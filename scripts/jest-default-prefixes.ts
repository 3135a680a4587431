import { forgetDefaultKeyPrefixes } from '@oncely/core/testing';

// A Lambda builds its front doors once, and two with one default key prefix are an error there.
// A test file builds a fresh handler per test, often from the same named function: each test
// starts with no default prefix claimed (tests of the claim build both doors in one test).
beforeEach(() => forgetDefaultKeyPrefixes());
