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
