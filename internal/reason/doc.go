// Package reason keeps a lower layer's refusals as codes with values and an
// English text: the English is what is stored and printed to scripts (a
// quarantine's reason, sync --json's "reason"); Explain reads the code and its
// values back from it so that each front end words it in the person's
// language. sync and data/trust each own their set of codes.
package reason
