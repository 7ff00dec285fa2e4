package data

import "testing"

// TestNetworkReasonsReadBack: every refusal of the living toolkit's rule is
// read back as its code and values, for the front ends to word it.
func TestNetworkReasonsReadBack(t *testing.T) {
	for _, p := range networkReasons.ReadBackProblems() {
		t.Error(p)
	}
	code, v := ExplainNetwork((&NetworkRefusal{Record: TypeReview, Org: "street cz"}).Error())
	if code != ReasonNotEditor || v["Org"] != "street cz" {
		t.Errorf("not an editor: %q %v", code, v)
	}
}

// TestErrorCodesReadBack: the codes of data's errors (a data directory
// missing or not writable) are read back with their values, so that each
// front end words them with its own way out.
func TestErrorCodesReadBack(t *testing.T) {
	for _, p := range errs.ReadBackProblems() {
		t.Error(p)
	}
}
