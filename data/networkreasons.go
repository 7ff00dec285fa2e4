package data

import "vademecum/internal/reason"

// Why the living toolkit's rule (CheckNetwork) refused a record of a hub, as
// a code that front ends word in the person's language (internal/words). The
// English is what the sync keeps with the file set aside; ExplainNetwork
// reads the code and its values back from it.
const (
	ReasonNotEditor      = "not_editor"      // Org
	ReasonSecondFounding = "second_founding" // Org, Founder
	ReasonNoEditorList   = "no_editor_list"  // Type, Org
	ReasonBadReview      = "bad_review"      // Error
	ReasonNotEraser      = "not_eraser"      // Org, Owner
	ReasonBadErasure     = "bad_erasure"     // Org
)

var networkReasons = reason.NewSet(map[string]reason.Format{
	ReasonNotEditor:      reason.F("signed by %s, which is not an editor: only an editor may review proposals or change the editor list", "Org"),
	ReasonSecondFounding: reason.F("a second founding of the editor list, by %s: the editors of this network were founded by %s", "Org", "Founder"),
	ReasonNoEditorList:   reason.F("this %s, signed by %s, needs the editor list, which has not been received here yet", "Type", "Org"),
	ReasonBadReview:      reason.F("not a valid review: %v", "Error"),
	ReasonNotEraser:      reason.F("an erasure signed by %s, which is neither an editor nor the owner of the record (%s)", "Org", "Owner"),
	ReasonBadErasure:     reason.F("an erasure notice by %s that names no record, no reason or the wrong owner", "Org"),
})

// ExplainNetwork returns the code of a reason CheckNetwork gave for refusing
// a record, with its values by name, or "" for a text that is none of them.
func ExplainNetwork(text string) (code string, values map[string]string) {
	return networkReasons.Explain(text)
}
