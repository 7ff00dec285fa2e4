package synccode

import "testing"

// TestExplainReadsEveryReasonBack: every reason the sync words is read back
// as its code with its values, by that code alone, so front ends can word it.
func TestExplainReadsEveryReasonBack(t *testing.T) {
	for _, p := range Reasons.ReadBackProblems() {
		t.Error(p)
	}
}
