package sync

import (
	"bytes"
	"encoding/json"
	"testing"

	"vademecum/data"
)

// FuzzMergeRecord: the three-way merge of record files never panics, writes
// canonical JSON (or keeps a side as it is), and gives the same bytes whichever
// side is "mine" — what every replica's convergence rests on. Merging a
// version with itself changes nothing.
func FuzzMergeRecord(f *testing.F) {
	p := func(updated, fields string) []byte {
		return []byte(`{"id":"p1","type":"practice","org":"shelter-it","updated":"` + updated + `",` + fields + `}`)
	}
	base := p("2025-01-01T00:00:00Z", `"title":"T","summary":"S","tags":["a"],"name":{"en":"n","it":"n"}`)
	f.Add(base, p("2025-01-02T00:00:00Z", `"title":"T2","summary":"S","tags":["a"],"name":{"en":"n2","it":"n"}`),
		p("2025-01-03T00:00:00Z", `"title":"T3","summary":"S3","tags":["a","b"],"name":{"en":"n","it":"n3"}`))
	f.Add(base, p("2025-01-02T00:00:00Z", `"deleted":true,"title":"T","summary":"S","tags":["a"],"name":{"en":"n","it":"n"}`),
		p("2025-01-02T00:00:00Z", `"title":"T","summary":"edited","tags":["a"],"name":{"en":"n","it":"n"}`))
	f.Add([]byte(nil), base, []byte(`{"id":"p1","type":"practice","org":"street-cz","updated":"2025-01-01T00:00:00Z","title":"other"}`))
	f.Add(base, []byte(nil), p("2025-01-05T00:00:00Z", `"title":"x"`))
	f.Add(base, []byte(`not json`), []byte("\x00damaged"))
	org := func(updated, keys string) []byte {
		return []byte(`{"id":"o","type":"org","org":"o","updated":"` + updated + `","name":"O","keys":` + keys + `}`)
	}
	k1 := `{"id":"1111111111111111","public":"a","added":"2025-01-01T00:00:00Z"}`
	k2 := `{"id":"2222222222222222","public":"b","added":"2025-01-02T00:00:00Z"}`
	k2r := `{"id":"2222222222222222","public":"b","added":"2025-01-02T00:00:00Z","revoked":"2025-03-01T00:00:00Z"}`
	k3 := `{"id":"3333333333333333","public":"c","added":"2025-01-03T00:00:00Z"}`
	f.Add(org("2025-01-01T00:00:00Z", "["+k1+","+k2+"]"), org("2025-02-01T00:00:00Z", "["+k1+","+k2r+"]"), org("2025-02-02T00:00:00Z", "["+k1+","+k2+","+k3+"]"))
	f.Add([]byte(`{}`), []byte(`[]`), []byte(`{"updated":"x","sig":1}`))
	pa := func(updated, files string) []byte {
		return []byte(`{"id":"p1","type":"practice","org":"street-cz","updated":"` + updated + `","title":"T","attachments":[` + files + `]}`)
	}
	fa := `{"name":"a.pdf","sha256":"aa","size":1,"media_type":"application/pdf"}`
	fb := `{"name":"b.pdf","sha256":"bb","size":2,"media_type":"application/pdf"}`
	fa2 := `{"name":"a.pdf","sha256":"cc","size":3,"media_type":"application/pdf"}`
	f.Add(pa("2025-01-01T00:00:00Z", fa), pa("2025-01-02T00:00:00Z", fa2), pa("2025-01-03T00:00:00Z", fa+","+fb))
	f.Fuzz(func(t *testing.T, b, m, th []byte) {
		out, cs := mergeRecord(b, m, th)
		rev, rcs := mergeRecord(b, th, m)
		if !bytes.Equal(out, rev) {
			t.Fatalf("the merge depends on which side is mine:\n%s\n---\n%s", out, rev)
		}
		if len(cs) != len(rcs) {
			t.Fatalf("%d conflicts one way, %d the other", len(cs), len(rcs))
		}
		for i := range cs {
			if cs[i].KeptMine == rcs[i].KeptMine && !jsonEqual(cs[i].Mine, cs[i].Theirs) {
				t.Fatalf("conflict %s: both sides think they kept their own value", cs[i].Field)
			}
		}
		if out != nil && !bytes.Equal(out, m) && !bytes.Equal(out, th) {
			if c, err := data.Canonical(jsonOf(t, out)); err != nil || !bytes.Equal(c, out) {
				t.Fatalf("the merge wrote non-canonical bytes:\n%s", out)
			}
		}
		if m != nil {
			same, scs := mergeRecord(b, m, m)
			if len(scs) != 0 {
				t.Fatalf("merging a version with itself gives conflicts: %+v", scs)
			}
			if !bytes.Equal(same, m) {
				if c, err := data.Canonical(jsonOf(t, m)); err != nil || !bytes.Equal(c, same) {
					t.Fatalf("merging a version with itself changed it:\n%s\n---\n%s", m, same)
				}
			}
		}
	})
}

func jsonOf(t *testing.T, b []byte) any {
	var v any
	if err := jsonUnmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, b)
	}
	return v
}

func jsonUnmarshal(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode(v)
}
