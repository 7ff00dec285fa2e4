package sync

import (
	"context"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"

	"vademecum/data"
)

// Erasure (issue 22, hub format 4; docs/hub-format.md "Erasure"): a shared
// practice or comment is sealed with its own key (keys.go), and an accepted
// erasure notice deletes that key here and on the hub's key branch, the
// record's content from the database, and its file from the branch, so that
// what stays in any history is ciphertext nobody can open.

// ensureKey gives a practice or comment about to be shared its own key (kept
// in the database before anything is sealed with it) and the commitment its
// signature covers.
func (e *Engine) ensureKey(ctx context.Context, rec data.Record) error {
	m := rec.Base()
	if !data.Sealed(m.Type) {
		return nil
	}
	if m.KeyHash != "" {
		for _, k := range e.repo.keys.get(m.ID) {
			if data.KeyCommitment(m.ID, k) == m.KeyHash {
				return nil
			}
		}
		return data.ErrNoKey
	}
	key := data.NewRecordKey()
	if _, err := e.store.AddRecordKeys(ctx, map[string][][]byte{m.ID: {key}}); err != nil {
		return err
	}
	e.repo.keys.add(map[string][][]byte{m.ID: {key}})
	m.KeyHash = data.KeyCommitment(m.ID, key)
	return nil
}

// applyErasure carries out an erasure notice just imported (its signature and
// rule checked: data.CheckNetwork). The path it names is used only when it is
// the erased record's own.
func (e *Engine) applyErasure(tx *data.Tx, rec data.Record) error {
	n, ok := rec.(*data.Erasure)
	if !ok || n.Deleted {
		return nil
	}
	c := *n
	if hf, err := parseHubPath(c.Path); err != nil || hf.ID != c.Record || !data.Sealed(hf.Type) {
		c.Path = ""
	}
	if err := tx.ApplyErasure(&c); err != nil {
		return err
	}
	if e.erased == nil {
		e.erased = map[string]bool{}
	}
	e.erased[c.Record] = true
	e.erasedNow = true
	return nil
}

// loadErased reads which records were erased here.
func (e *Engine) loadErased(ctx context.Context) error {
	m, err := e.store.ErasedIDs(ctx)
	if err != nil {
		return err
	}
	e.erased = m
	return nil
}

// afterErasures finishes what erasures started: the database is scrubbed once
// an import applied one, the keys are read again, and the files of erased
// records leave the local branch (the next push takes them out of the hub's
// tip).
func (e *Engine) afterErasures(ctx context.Context, me data.Identity) error {
	if err := e.loadErased(ctx); err != nil {
		return err
	}
	if e.erasedNow || e.store.ErasedUnscrubbed() {
		if err := e.store.Scrub(ctx); err != nil {
			return err
		}
		e.repo.keys.forget()
		e.erasedNow = false
	}
	paths, err := e.store.ErasedPaths(ctx)
	if err != nil || len(paths) == 0 {
		return err
	}
	r := e.repo
	r.mu.Lock()
	defer r.mu.Unlock()
	head, tree, err := r.mainTree()
	if err != nil || head.IsZero() {
		return err
	}
	edits := map[string]plumbing.Hash{}
	for p := range paths {
		if hf, err := parseHubPath(p); err != nil || !e.erased[hf.ID] {
			continue
		}
		if b, err := r.fileAt(tree, p); err == nil && !b.IsZero() {
			edits[p] = plumbing.ZeroHash
		}
	}
	if len(edits) == 0 {
		return nil
	}
	nt, err := r.editTree(tree, edits)
	if err != nil || nt == tree {
		return err
	}
	c, err := r.writeCommit(nt, []plumbing.Hash{head}, me.Org, fmt.Sprintf("Erase %d records\n\nTheir erasure notices are in erasures/ (docs/hub-format.md).\n", len(edits)))
	if err != nil {
		return err
	}
	return r.setRef(mainBranch, head, c)
}
