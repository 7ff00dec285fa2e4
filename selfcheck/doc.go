// Package selfcheck owns the DigComp self-check: the questions in a language,
// the levels that answers give per competence and area, the learning path (the
// toolkit's tools and guides that train the weakest competences, easiest first)
// and the anonymous summary a person may hand to a coordinator.
//
// Answers and results are private: they are kept by data.Store in tables that
// only this package reads, never in a record, so sync, the exports and the
// local copy never see them.
package selfcheck
