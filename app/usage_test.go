package app

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/widget"

	"vademecum/data"
)

// putPartner stores a partner organisation and its usage mark on a tool as a
// sync would bring them.
func putPartner(t *testing.T, st *data.Store, org, name, country, tool, verdict, since, note string) {
	t.Helper()
	now := data.Now()
	o := &data.Organisation{Name: name, Country: country, Languages: []string{"en"}}
	o.ID, o.Type, o.Org, o.Created, o.Updated = org, data.TypeOrg, org, now, now
	u := &data.Usage{Tool: tool, Verdict: verdict, Since: since, Note: note}
	u.ID, u.Claim = data.NewRecordID(org)
	u.Type, u.Org, u.Created, u.Updated = data.TypeUsage, org, now, now
	err := st.Tx(context.Background(), func(tx *data.Tx) error {
		if err := tx.Put(o, data.PutHub); err != nil {
			return err
		}
		return tx.Put(u, data.PutHub)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestToolShowsPartnersUsingIt: a tool's page lists the partners that marked
// it, with their country, verdict, month and note; a tool nobody marked has
// no such section.
func TestToolShowsPartnersUsingIt(t *testing.T) {
	st := newTestStore(t)
	putPartner(t, st, "streetwork-cz", "Czech Streetwork Association", "CZ", "signal", data.VerdictStopped, "2019-01", "Moved to Threema")
	putPartner(t, st, "pmff-pl", "Polish Migration Forum Foundation", "PL", "signal", data.VerdictRecommended, "", "")
	if _, err := st.MarkUsage(context.Background(), "signal", data.VerdictReservations, "2021-04", "Outreach groups"); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t, st, nil)
	u.toolkit.showTool("signal")
	u.Wait()
	pane := u.toolkit.detail
	if _, ok := find(pane, func(l *widget.Label) bool { return l.Text == "Partners who use it" }); !ok {
		t.Fatal("the tool page has no section of partners using it")
	}
	for _, want := range []string{
		"Czech Streetwork Association (Czechia): stopped, since 2019-01 — Moved to Threema",
		"Polish Migration Forum Foundation (Poland): recommended",
		"Open Group (Italy): with reservations, since 2021-04 — Outreach groups",
	} {
		if _, ok := find(pane, func(l *widget.Label) bool { return l.Text == want }); !ok {
			t.Errorf("no line %q", want)
		}
	}
	u.toolkit.showTool("kiwix")
	u.Wait()
	if _, ok := find(u.toolkit.detail, func(l *widget.Label) bool { return strings.Contains(l.Text, "who use it") }); ok {
		t.Error("a tool nobody marked shows partners using it")
	}
}
