package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	vdata "vademecum/data"
)

// practice list --json prints what one JSON encoding of the whole list would,
// byte for byte, though it reads the journal a page at a time.
func TestPracticeListJSONPageByPage(t *testing.T) {
	dir := t.TempDir()
	cli(t, "", "--data", dir, "init", "--org-id", "opengroup-it", "--org-name", "Open Group", "--country", "IT", "--lang", "it", "--user", "Giulia")
	st, err := vdata.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 2*listPageSize + 345
	start := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	err = st.Tx(context.Background(), func(tx *vdata.Tx) error {
		for i := range n {
			p := &vdata.Practice{Title: fmt.Sprintf("Note <%d> & \"more\"", i), Country: []string{"IT", "PL"}[i%2], Visibility: vdata.Shared}
			p.ID, p.Type, p.Org, p.Author, p.Lang = vdata.NewID(), vdata.TypePractice, "opengroup-it", "Giulia", "it"
			p.Created = start.Add(time.Duration(i/4) * time.Minute) // four share each time
			p.Updated = p.Created
			if err := tx.Put(p, vdata.PutLocal); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []vdata.PracticeFilter{{}, {Country: "PL"}, {Country: "CZ"}} {
		all, err := st.ListPractices(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(all); err != nil {
			t.Fatal(err)
		}
		args := []string{"--data", dir, "practice", "list", "--json"}
		if f.Country != "" {
			args = append(args, "--country", f.Country)
		}
		if got := cli(t, "", args...); got != want.String() {
			t.Errorf("country %q: %d bytes printed, %d expected (%d practices)", f.Country, len(got), want.Len(), len(all))
		}
	}
	st.Close()
}
