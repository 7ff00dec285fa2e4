package sync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"vademecum/data"
)

// Attachments travel as attachments/<sha256> files of the hub, next to the
// practices that list them. A practice's signed record names each file by
// hash and size, so the signature vouches for the bytes; the hub's copy is
// believed for nothing else:
//
//   - a file there is taken into the local branch only when a practice
//     (received this round or held here) lists its hash, when it is no
//     larger than data.MaxAttachment (read from the object's header, before
//     anything is inflated) and when its bytes hash to its name;
//   - bytes reach the attachments folder of the data directory only streamed
//     through the same checks (data.Store.ReceiveAttachment);
//   - only a shared practice's attachments are ever written into a commit
//     (commitAttachments, called for records that leave the device).

// attachmentPrefix is the hub folder of attachments.
const attachmentPrefix = "attachments/"

// AttachmentPath is the hub path of the attachment whose SHA-256 is sha.
func AttachmentPath(sha string) string { return attachmentPrefix + sha }

// commitAttachments adds to edits the attachments of the records in bodies
// (practices being committed, all shared) that the tree lacks, written as
// blobs streamed from this computer's copies. Called with the repository
// locked.
func (e *Engine) commitAttachments(tree plumbing.Hash, bodies [][]byte, edits map[string]plumbing.Hash) error {
	for _, b := range bodies {
		for _, a := range data.AttachmentsOf(b) {
			p := AttachmentPath(a.SHA256)
			if _, ok := edits[p]; ok || !data.IsSHA256(a.SHA256) {
				continue
			}
			if h, err := e.repo.fileAt(tree, p); err != nil {
				return err
			} else if !h.IsZero() {
				continue
			}
			f, err := e.store.OpenAttachment(a)
			if errors.Is(err, data.ErrAttachmentNotHere) {
				// A laptop of this organisation attached it and its copy has
				// not come here: the hub keeps the one it sent.
				continue
			}
			if err != nil {
				return err
			}
			h, err := e.repo.writeBlobFrom(f)
			f.Close()
			if err != nil {
				return err
			}
			edits[p] = h
		}
	}
	return nil
}

// writeBlobFrom stores the file f holds as a blob, streamed into a loose
// object (never whole in memory), and returns its id.
func (r *repo) writeBlobFrom(f *os.File) (plumbing.Hash, error) {
	st, err := f.Stat()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	w, header, err := r.st.LazyWriter()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if err := header(plumbing.BlobObject, st.Size()); err != nil {
		w.Close()
		return plumbing.ZeroHash, err
	}
	if _, err := io.Copy(w, f); err != nil {
		w.Close()
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	hw, ok := w.(interface{ Hash() plumbing.Hash })
	if !ok {
		return plumbing.ZeroHash, errors.New("the repository's object writer does not tell the id")
	}
	return hw.Hash(), nil
}

// attachmentChoice is an attachment file the hub has and the local branch
// lacks, decided once the round's records are known.
type attachmentChoice struct {
	path   string
	theirs plumbing.Hash
}

// chooseAttachments decides the hub's attachment files the local branch
// lacks: kept when a practice lists them (listed says which hashes the
// round's records list; the database answers for the rest), when they are
// within the size cap and when their bytes hash to their name. Called with
// the repository locked.
func (e *Engine) chooseAttachments(cs []attachmentChoice, listed map[string]bool, edits map[string]plumbing.Hash) []refusal {
	var refused []refusal
	for _, c := range cs {
		sha := strings.TrimPrefix(c.path, attachmentPrefix)
		size, err := e.repo.blobSize(c.theirs)
		if err != nil {
			refused = append(refused, refusal{Path: c.path, Reason: reasonf(ReasonUnreadable), Blob: c.theirs})
			continue
		}
		if size > data.MaxAttachment {
			refused = append(refused, refusal{Path: c.path, Reason: reasonf(ReasonTooLarge, size>>10, int64(data.MaxAttachment)>>10), Blob: c.theirs})
			continue
		}
		if !listed[sha] {
			ok, err := data.AttachmentReferenced(e.store.DB(), sha)
			if err != nil || !ok {
				refused = append(refused, refusal{Path: c.path, Reason: reasonf(ReasonAttachmentUnlisted), Blob: c.theirs})
				continue
			}
		}
		if got, err := e.repo.blobSHA256(c.theirs); err != nil || got != sha {
			refused = append(refused, refusal{Path: c.path, Reason: reasonf(ReasonAttachmentContent), Blob: c.theirs})
			continue
		}
		edits[c.path] = c.theirs
	}
	return refused
}

// listedAttachments adds to listed the hashes that the practice file blob lists.
func (e *Engine) listedAttachments(path string, blob plumbing.Hash, listed map[string]bool) {
	if blob.IsZero() || !strings.HasPrefix(path, "practices/") {
		return
	}
	for _, a := range data.AttachmentsOf(e.repo.readSmallBlob(blob)) {
		listed[a.SHA256] = true
	}
}

// blobSHA256 streams a blob through SHA-256.
func (r *repo) blobSHA256(h plumbing.Hash) (string, error) {
	obj, err := r.st.EncodedObject(plumbing.BlobObject, h)
	if err != nil {
		return "", err
	}
	rd, err := obj.Reader()
	if err != nil {
		return "", err
	}
	defer rd.Close()
	sum := sha256.New()
	if _, err := io.Copy(sum, io.LimitReader(rd, data.MaxAttachment+1)); err != nil {
		return "", err
	}
	return hex.EncodeToString(sum.Sum(nil)), nil
}

// receiveAttachments copies into the data directory the attachments that
// practices held here list, whose bytes are in the local branch and not yet
// on this computer, each checked against its hash and size as it streams. It
// returns how many bytes it added. Files are written before nothing else
// depends on them, so a round killed halfway is completed by the next.
func (e *Engine) receiveAttachments(ctx context.Context) (int64, error) {
	want, err := e.store.WantedAttachments(ctx)
	if err != nil || len(want) == 0 {
		return 0, err
	}
	e.repo.mu.Lock()
	defer e.repo.mu.Unlock()
	head, err := e.repo.ref(mainBranch)
	if err != nil {
		return 0, err
	}
	tree, err := e.repo.commitTree(head)
	if err != nil {
		return 0, err
	}
	var added int64
	for _, w := range want {
		if err := ctx.Err(); err != nil {
			return added, err
		}
		blob, err := e.repo.fileAt(tree, AttachmentPath(w.SHA256))
		if err != nil || blob.IsZero() {
			continue // not received: the next round looks again
		}
		if size, err := e.repo.blobSize(blob); err != nil || size != w.Size {
			e.logf("the attachment %q of practice %s has the wrong size in the local repository: not kept", w.Name, w.Practice)
			continue
		}
		obj, err := e.repo.st.EncodedObject(plumbing.BlobObject, blob)
		if err != nil {
			return added, err
		}
		rd, err := obj.Reader()
		if err != nil {
			return added, err
		}
		err = e.store.ReceiveAttachment(w.Attachment, rd)
		rd.Close()
		if errors.Is(err, data.ErrAttachmentContent) {
			e.logf("the attachment %q of practice %s does not match its hash: not kept", w.Name, w.Practice)
			continue
		}
		if err != nil {
			return added, fmt.Errorf("keeping the attachment %q: %w", w.Name, err)
		}
		added += w.Size
	}
	return added, nil
}

// mergeAttachments merges the file lists of two versions of a practice of
// this organisation, changed on two laptops at once, file by file (by name)
// against the version both were made from: a file attached on either side
// stays, a file removed on one side and left alone on the other goes, and a
// file changed on one side takes that change. When both changed the same
// name, or one changed what the other removed, the change of the newer side
// is kept. The list holds the newer side's files in its order, then the
// other side's new ones, so that the result does not depend on which side
// is this laptop's. ok is false when a list is malformed or the merge would
// exceed data.MaxAttachments (the field is then merged as any other).
func mergeAttachments(bv, mv, tv json.RawMessage, laterMine bool) (json.RawMessage, bool) {
	if jsonEqual(mv, tv) {
		return mv, true
	}
	parse := func(v json.RawMessage) ([]data.Attachment, bool) {
		if v == nil {
			return nil, true
		}
		var as []data.Attachment
		if json.Unmarshal(v, &as) != nil {
			return nil, false
		}
		for _, a := range as {
			if a.Name == "" {
				return nil, false
			}
		}
		return as, true
	}
	base, ok1 := parse(bv)
	mine, ok2 := parse(mv)
	theirs, ok3 := parse(tv)
	if !ok1 || !ok2 || !ok3 {
		return nil, false
	}
	newer, older := theirs, mine
	if laterMine {
		newer, older = mine, theirs
	}
	index := func(as []data.Attachment) map[string]data.Attachment {
		m := make(map[string]data.Attachment, len(as))
		for _, a := range as {
			m[a.Name] = a
		}
		return m
	}
	b, n, o := index(base), index(newer), index(older)
	// keep decides one name present on one side (x) and perhaps on the
	// other (y, present tells): the value kept, or false to drop it.
	keep := func(name string, x data.Attachment, y data.Attachment, present, xNewer bool) (data.Attachment, bool) {
		was, inBase := b[name]
		switch {
		case present && x == y:
			return x, true
		case present && inBase && x == was:
			return y, true
		case present && inBase && y == was:
			return x, true
		case present:
			if xNewer {
				return x, true
			}
			return y, true
		case inBase && x == was:
			return data.Attachment{}, false // removed on the other side
		default:
			return x, true // added here, or changed here and removed there
		}
	}
	var out []data.Attachment
	for _, a := range newer {
		y, present := o[a.Name]
		if v, ok := keep(a.Name, a, y, present, true); ok {
			out = append(out, v)
		}
	}
	for _, a := range older {
		if _, done := n[a.Name]; done {
			continue
		}
		if v, ok := keep(a.Name, a, data.Attachment{}, false, false); ok {
			out = append(out, v)
		}
	}
	if len(out) > data.MaxAttachments {
		return nil, false
	}
	if len(out) == 0 {
		return nil, true
	}
	v, err := json.Marshal(out)
	if err != nil {
		return nil, false
	}
	return v, true
}
