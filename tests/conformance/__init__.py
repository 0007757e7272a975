"""The op conformance table and the tests that run every op of autograd_mini through it."""
