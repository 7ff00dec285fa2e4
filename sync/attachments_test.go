package sync

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vademecum/data"
	"vademecum/data/datagen"
)

// attach attaches b as name to practice id of r.
func (r *replica) attach(id, name string, b []byte) data.Attachment {
	r.t.Helper()
	p := filepath.Join(r.t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		r.t.Fatal(err)
	}
	a, err := r.store.AttachFile(context.Background(), id, p, "")
	if err != nil {
		r.t.Fatal(err)
	}
	return a
}

// attachmentBytes are the bytes of sha on r's computer, or nil.
func (r *replica) attachmentBytes(sha string) []byte {
	b, err := os.ReadFile(r.store.AttachmentPath(sha))
	if err != nil {
		return nil
	}
	return b
}

// gitBlobID is the git object id that bytes b have in any repository.
func gitBlobID(t testing.TB, b []byte) string {
	f := filepath.Join(t.TempDir(), "blob")
	os.WriteFile(f, b, 0o600)
	return strings.TrimSpace(git(t, "", "hash-object", f))
}

// hubHasObject reports whether the hub's repository holds object id, loose or packed.
func hubHasObject(t testing.TB, dir, id string) bool {
	for _, line := range strings.Split(git(t, dir, "cat-file", "--batch-all-objects", "--batch-check=%(objectname)"), "\n") {
		if strings.TrimSpace(line) == id {
			return true
		}
	}
	return false
}

func TestAttachmentsTravelDisk(t *testing.T) { attachmentsTravel(t, diskHub) }
func TestAttachmentsTravelHTTP(t *testing.T) { attachmentsTravel(t, httpHub) }

func attachmentsTravel(t *testing.T, newHub func(testing.TB) hubEnv) {
	h, a, b, _ := threeOrgs(t, newHub)
	shared := a.practice("Consent at the drop-in", data.Shared)
	draft := a.practice("Ideas for the winter plan", data.Draft)
	org := a.practice("Shift checklist", data.OrgVis)
	doc := datagen.Document(3<<20, 7)
	att := a.attach(shared.ID, "consent form.pdf", doc)
	photo := a.attach(shared.ID, "corner.jpg", datagen.PhotoWithGPS(40, 30))
	draftDoc := datagen.Document(64<<10, 8)
	da := a.attach(draft.ID, "draft plan.pdf", draftDoc)
	orgDoc := datagen.Document(32<<10, 9)
	oa := a.attach(org.ID, "checklist.pdf", orgDoc)

	res := a.sync()
	if res.AttachmentBytesSent != att.Size+photo.Size {
		t.Errorf("a sent %d attachment bytes, want %d", res.AttachmentBytesSent, att.Size+photo.Size)
	}
	res = b.sync()
	if res.AttachmentBytesReceived != att.Size+photo.Size {
		t.Errorf("b received %d attachment bytes, want %d", res.AttachmentBytesReceived, att.Size+photo.Size)
	}
	if got := b.attachmentBytes(att.SHA256); !bytes.Equal(got, doc) {
		t.Fatalf("b holds %d bytes of the form, want the %d sent", len(got), len(doc))
	}
	if got := b.attachmentBytes(photo.SHA256); len(got) == 0 || bytes.Contains(got, []byte(datagen.GPSMarker)) {
		t.Errorf("the photo did not arrive, or arrived with its GPS block")
	}
	if got := b.get(shared.ID).Attachments; len(got) != 2 || got[0] != att {
		t.Errorf("b's practice lists %+v", got)
	}
	// Drafts' and organisation-only attachments never leave the computer.
	for _, x := range [][]byte{draftDoc, orgDoc} {
		if hubHasObject(t, h.dir, gitBlobID(t, x)) {
			t.Errorf("the hub holds the bytes of a draft's or an org-only practice's attachment")
		}
	}
	for _, sha := range []string{da.SHA256, oa.SHA256} {
		if b.attachmentBytes(sha) != nil {
			t.Errorf("b holds a private attachment")
		}
	}
	// A second round moves nothing.
	if res := b.sync(); res.AttachmentBytesReceived != 0 || res.AttachmentBytesSent != 0 {
		t.Errorf("idle round: %+v", res)
	}
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func refusedReason(res Result, path string) string {
	for _, r := range res.Refused {
		if r.Path == path {
			return r.Reason
		}
	}
	return ""
}

// The hub is untrusted: what it holds at attachments/<sha256> is taken only
// when a practice lists it, its size is within the cap and its bytes hash to
// its name.
func TestHostileAttachments(t *testing.T) {
	h, a, b, c := threeOrgs(t, diskHub)
	p := a.practice("Poster for the night bus", data.Shared)
	doc := datagen.Document(100<<10, 11)
	att := a.attach(p.ID, "poster.pdf", doc)
	a.sync()

	// A partner swaps the poster's bytes, and adds a file no practice lists
	// and one above the size cap.
	evil := datagen.Document(100<<10, 12)
	stray := datagen.Document(10<<10, 13)
	huge := datagen.Document(data.MaxAttachment+1, 14)
	writeHubCommit(t, h.dir, map[string][]byte{
		AttachmentPath(att.SHA256):       evil,
		AttachmentPath(sha256Hex(stray)): stray,
		AttachmentPath(sha256Hex(huge)):  huge,
	})
	res := b.sync()
	if r := refusedReason(res, AttachmentPath(att.SHA256)); r != reasonf(ReasonAttachmentContent) {
		t.Errorf("swapped bytes: refused with %q", r)
	}
	if r := refusedReason(res, AttachmentPath(sha256Hex(stray))); r != reasonf(ReasonAttachmentUnlisted) {
		t.Errorf("unlisted file: refused with %q", r)
	}
	if r := refusedReason(res, AttachmentPath(sha256Hex(huge))); !strings.HasPrefix(r, "the file is too large") {
		t.Errorf("file above the cap: refused with %q", r)
	}
	if b.attachmentBytes(att.SHA256) != nil || b.attachmentBytes(sha256Hex(stray)) != nil || b.attachmentBytes(sha256Hex(huge)) != nil {
		t.Fatal("b kept bytes the hub forged")
	}
	if !b.has(p.ID) {
		t.Fatal("the practice itself must still arrive")
	}
	// b's branch never took the forged files: its next push does not carry them.
	for _, path := range []string{AttachmentPath(att.SHA256), AttachmentPath(sha256Hex(stray)), AttachmentPath(sha256Hex(huge))} {
		if !b.eng.branchFile(path).IsZero() {
			t.Errorf("b's branch holds %s", path)
		}
	}
	// The owner still holds the right bytes: its next sync puts them back,
	// and the partner then receives them.
	a.sync()
	b.sync()
	c.sync()
	for _, r := range []*replica{b, c} {
		if got := r.attachmentBytes(att.SHA256); !bytes.Equal(got, doc) {
			t.Errorf("%s: the poster did not come back whole after the owner's sync (%d bytes)", r.org, len(got))
		}
	}
}

// A copy into the data directory that did not happen (a sync killed after
// its import, a file removed by hand) is made by the next round from the
// local repository, with nothing new on the hub.
func TestAttachmentCopyCompletedNextRound(t *testing.T) {
	_, a, b, _ := threeOrgs(t, diskHub)
	p := a.practice("Shift checklist", data.Shared)
	doc := datagen.Document(200<<10, 21)
	att := a.attach(p.ID, "checklist.pdf", doc)
	a.sync()
	b.sync()
	if err := os.Remove(b.store.AttachmentPath(att.SHA256)); err != nil {
		t.Fatal(err)
	}
	res := b.sync()
	if got := b.attachmentBytes(att.SHA256); !bytes.Equal(got, doc) || res.AttachmentBytesReceived != att.Size {
		t.Errorf("after the next round b holds %d bytes (round reported %d)", len(got), res.AttachmentBytesReceived)
	}
}

// Two laptops of one organisation that attach files to one practice at once
// both keep their files; a file removed on one laptop and untouched on the
// other goes; the merge is the same whichever side is this laptop's.
func TestMergeAttachments(t *testing.T) {
	att := func(name, fill string) string {
		return `{"name":"` + name + `","sha256":"` + strings.Repeat(fill, 64) + `","size":10,"media_type":"application/pdf"}`
	}
	rec := func(updated string, version int, files ...string) []byte {
		list := ""
		if len(files) > 0 {
			list = `,"attachments":[` + strings.Join(files, ",") + `]`
		}
		return []byte(`{"id":"p1","type":"practice","org":"street-cz","updated":"` + updated + `","version":` + fmt.Sprint(version) + `,"title":"T"` + list + `}`)
	}
	names := func(body []byte) []string {
		var p struct{ Attachments []data.Attachment }
		json.Unmarshal(body, &p)
		var out []string
		for _, a := range p.Attachments {
			out = append(out, a.Name+":"+a.SHA256[:1])
		}
		return out
	}
	for _, c := range []struct {
		name               string
		base, mine, theirs []byte
		want               []string
	}{
		{"both attach", rec("2026-01-01T00:00:00Z", 1, att("a.pdf", "a")),
			rec("2026-01-02T00:00:00Z", 2, att("a.pdf", "a"), att("mine.pdf", "b")),
			rec("2026-01-03T00:00:00Z", 2, att("a.pdf", "a"), att("theirs.pdf", "c")),
			[]string{"a.pdf:a", "theirs.pdf:c", "mine.pdf:b"}},
		{"one removes, one attaches", rec("2026-01-01T00:00:00Z", 1, att("a.pdf", "a")),
			rec("2026-01-02T00:00:00Z", 2),
			rec("2026-01-03T00:00:00Z", 2, att("a.pdf", "a"), att("b.pdf", "b")),
			[]string{"b.pdf:b"}},
		{"one replaces, one leaves", rec("2026-01-01T00:00:00Z", 1, att("a.pdf", "a")),
			rec("2026-01-02T00:00:00Z", 2, att("a.pdf", "d")),
			rec("2026-01-03T00:00:00Z", 2, att("a.pdf", "a"), att("b.pdf", "b")),
			[]string{"a.pdf:d", "b.pdf:b"}},
		{"both replace: the newer wins", rec("2026-01-01T00:00:00Z", 1, att("a.pdf", "a")),
			rec("2026-01-02T00:00:00Z", 2, att("a.pdf", "d")),
			rec("2026-01-03T00:00:00Z", 2, att("a.pdf", "e")),
			[]string{"a.pdf:e"}},
		{"one replaces, one removes: the change stays", rec("2026-01-01T00:00:00Z", 1, att("a.pdf", "a")),
			rec("2026-01-02T00:00:00Z", 2, att("a.pdf", "d")),
			rec("2026-01-03T00:00:00Z", 2),
			[]string{"a.pdf:d"}},
	} {
		out, cs := mergeRecord(c.base, c.mine, c.theirs)
		rev, _ := mergeRecord(c.base, c.theirs, c.mine)
		if !bytes.Equal(out, rev) {
			t.Errorf("%s: the merge depends on the side:\n%s\n%s", c.name, out, rev)
		}
		for _, x := range cs {
			if x.Field == "attachments" {
				t.Errorf("%s: a conflict on the file list", c.name)
			}
		}
		if got := names(out); strings.Join(got, " ") != strings.Join(c.want, " ") {
			t.Errorf("%s: merged files %v, want %v", c.name, got, c.want)
		}
	}
}

// A practice whose file list is not one the app writes (a name that climbs
// out of a folder, a size above the cap, a kind that is no document) is
// refused whole: nothing downstream opens or saves such a file.
func TestPracticeWithForgedFileListRefused(t *testing.T) {
	h, a, b, _ := threeOrgs(t, diskHub)
	a.practice("Anything", data.Shared)
	a.sync()
	for i, list := range []string{
		`[{"name":"../../.bashrc","sha256":"` + strings.Repeat("a", 64) + `","size":10,"media_type":"application/pdf"}]`,
		`[{"name":"big.pdf","sha256":"` + strings.Repeat("b", 64) + `","size":2000000000,"media_type":"application/pdf"}]`,
		`[{"name":"page.html","sha256":"` + strings.Repeat("c", 64) + `","size":10,"media_type":"text/html"}]`,
	} {
		id := fmt.Sprintf("01930000-0000-7000-8000-00000000000%d", i)
		body := bytes.Replace(practiceJSON(id, "evil-org", "2026-11-02T10:00:00Z", "Forged"), []byte(`"visibility":"shared"`),
			[]byte(`"visibility":"shared","attachments":`+list), 1)
		path := "practices/2026/11/" + id + ".json"
		writeHubCommit(t, h.dir, map[string][]byte{path: body})
		res := b.sync()
		if r := refusedReason(res, path); r != reasonf(ReasonAttachmentList) {
			t.Errorf("file list %d: refused with %q", i, r)
		}
		if b.has(id) {
			t.Errorf("file list %d: the practice was imported", i)
		}
	}
}
