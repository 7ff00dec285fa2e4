package sync

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func rec(fields string) []byte {
	return []byte(`{"id":"p1","type":"practice","org":"shelter-it",` + fields + `}`)
}

func TestMergeRecord(t *testing.T) {
	base := rec(`"updated":"2025-01-01T00:00:00Z","title":"T","summary":"S","lessons":"L","name":{"en":"n","it":"n"}`)
	cases := []struct {
		name          string
		mine, theirs  []byte
		want          map[string]any
		conflicts     int
		keptMine      bool
		conflictField string
	}{
		{
			name:   "different fields both survive",
			mine:   rec(`"updated":"2025-01-02T00:00:00Z","title":"T","summary":"S2","lessons":"L","name":{"en":"n","it":"n"}`),
			theirs: rec(`"updated":"2025-01-03T00:00:00Z","title":"T","summary":"S","lessons":"L3","name":{"en":"n","it":"n"}`),
			want:   map[string]any{"summary": "S2", "lessons": "L3", "updated": "2025-01-03T00:00:00Z"},
		},
		{
			name:   "languages of one text both survive",
			mine:   rec(`"updated":"2025-01-02T00:00:00Z","title":"T","summary":"S","lessons":"L","name":{"en":"n2","it":"n"}`),
			theirs: rec(`"updated":"2025-01-03T00:00:00Z","title":"T","summary":"S","lessons":"L","name":{"en":"n","it":"n3"}`),
			want:   map[string]any{"name": map[string]any{"en": "n2", "it": "n3"}},
		},
		{
			name:          "same field: the later edit wins",
			mine:          rec(`"updated":"2025-01-05T00:00:00Z","title":"mine","summary":"S","lessons":"L","name":{"en":"n","it":"n"}`),
			theirs:        rec(`"updated":"2025-01-03T00:00:00Z","title":"theirs","summary":"S","lessons":"L","name":{"en":"n","it":"n"}`),
			want:          map[string]any{"title": "mine"},
			conflicts:     1,
			keptMine:      true,
			conflictField: "title",
		},
		{
			name:          "same field, same time: byte order decides",
			mine:          rec(`"updated":"2025-01-05T00:00:00Z","title":"aaa","summary":"S","lessons":"L","name":{"en":"n","it":"n"}`),
			theirs:        rec(`"updated":"2025-01-05T00:00:00Z","title":"bbb","summary":"S","lessons":"L","name":{"en":"n","it":"n"}`),
			want:          map[string]any{"title": "bbb"},
			conflicts:     1,
			conflictField: "title",
		},
		{
			name:          "edit versus delete keeps the edit",
			mine:          rec(`"updated":"2025-01-05T00:00:00Z","deleted":true,"title":"T","summary":"S","lessons":"L","name":{"en":"n","it":"n"}`),
			theirs:        rec(`"updated":"2025-01-03T00:00:00Z","title":"T","summary":"S","lessons":"edited","name":{"en":"n","it":"n"}`),
			want:          map[string]any{"lessons": "edited", "deleted": nil},
			conflicts:     1,
			conflictField: "deleted",
		},
		{
			name:   "damaged content loses to a readable version",
			mine:   []byte(`{"id": broken`),
			theirs: rec(`"updated":"2025-01-03T00:00:00Z","title":"fine"`),
			want:   map[string]any{"title": "fine"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, cs := mergeRecord(base, c.mine, c.theirs)
			back, _ := mergeRecord(base, c.theirs, c.mine)
			if !bytes.Equal(out, back) {
				t.Fatalf("the merge depends on the side:\n%s\n%s", out, back)
			}
			var got map[string]any
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("%s: %v", out, err)
			}
			for k, v := range c.want {
				gb, _ := json.Marshal(got[k])
				wb, _ := json.Marshal(v)
				if string(gb) != string(wb) {
					t.Errorf("%s = %s, want %s", k, gb, wb)
				}
			}
			if len(cs) != c.conflicts {
				t.Fatalf("conflicts %+v", cs)
			}
			if c.conflicts > 0 && (cs[0].KeptMine != c.keptMine || cs[0].Field != c.conflictField) {
				t.Errorf("conflict %+v", cs[0])
			}
			if json.Valid(c.mine) && !strings.HasSuffix(string(out), "}\n") {
				t.Errorf("not canonical: %q", out)
			}
		})
	}
}

func TestParseHubPath(t *testing.T) {
	for p, ok := range map[string]bool{
		"FORMAT":                                 true,
		"orgs/shelter-it.json":                   true,
		"practices/2025/01/0193.json":            true,
		"practices/2025/13/0193.json":            false,
		"practices/0193.json":                    false,
		"tools/a/b.json":                         false,
		"tools/.hidden.json":                     false,
		"notes/x.json":                           false,
		"attachments/" + strings.Repeat("a", 64): true,
		"attachments/photo.jpg":                  false,
		"comments/2024/12/c1.json":               true,
		"comments/2024/12/c1.txt":                false,
	} {
		if _, err := parseHubPath(p); (err == nil) != ok {
			t.Errorf("%s: err %v", p, err)
		}
	}
}

func TestSetField(t *testing.T) {
	out, err := setField(rec(`"name":{"en":"a","it":"b"}`), "name.it", json.RawMessage(`"c"`))
	if err != nil || !strings.Contains(string(out), `"it": "c"`) {
		t.Fatalf("%s %v", out, err)
	}
	out, _ = setField(out, "deleted", nil)
	if strings.Contains(string(out), "deleted") {
		t.Fatal(string(out))
	}
}
