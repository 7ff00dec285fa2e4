package trust

import "testing"

// TestExplainReadsEveryReasonBack: every reason a signature check words is
// read back as its code with its values, by that code alone, so front ends
// can word it.
func TestExplainReadsEveryReasonBack(t *testing.T) {
	for _, p := range reasons.ReadBackProblems() {
		t.Error(p)
	}
}
