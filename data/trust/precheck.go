package trust

import (
	"bytes"
	"crypto/ed25519"
	gosync "sync"

	"vademecum/data"
)

// Precheck does ahead, for Verify to find done, the part of the check of a
// record received from a hub that reads nothing but the record: the ed25519
// verification of its signature by the key its signature names, as listed
// in an organisation file this keyring has read (the sync engine's
// Options.Precheck, called on the goroutine that reads the files ahead of
// the import). It decides nothing and reads no database: Verify still makes
// every check in the same order, choosing the key itself, and only takes
// the verification's result from here when it asks for exactly the same
// one (same key, same bytes, same signature), which is what ed25519.Verify
// would answer again. Only verifications that passed are kept, a bounded
// number, taken once; a record whose signature fails is checked by Verify
// as before. Organisation files are not prechecked (their keys decide
// which key signs them).
func (k *Keyring) Precheck(r data.Record, body []byte) {
	if r == nil || body == nil {
		return
	}
	m := r.Base()
	if m.Type == data.TypeOrg {
		return
	}
	keyID, sig, err := parseSig(m.Sig)
	if err != nil {
		return
	}
	k.mu.Lock()
	pub := k.known[keyID]
	k.mu.Unlock()
	if pub == nil {
		return
	}
	unsigned, ok := stripSig(body, m.Sig)
	if !ok || !ed25519.Verify(pub, unsigned, sig) {
		return
	}
	k.done.put(pub, unsigned, sig)
}

// learnKeys adds the keys of an organisation file this keyring read to those
// Precheck verifies with (called locked). Which keys are trusted is Verify's
// decision, not this one's: a key listed in any version read is worth
// verifying with ahead.
func (k *Keyring) learnKeys(o *data.Organisation) {
	if o == nil {
		return
	}
	if k.known == nil {
		k.known = map[string]ed25519.PublicKey{}
	}
	for i := range o.Keys {
		if pub, err := keyPublic(&o.Keys[i]); err == nil && KeyID(pub) == o.Keys[i].ID {
			k.known[o.Keys[i].ID] = pub
		}
	}
}

// verifySig is the package's verifySig, taking the result of a verification
// done ahead by Precheck when there is one for exactly these bytes.
func (k *Keyring) verifySig(pub ed25519.PublicKey, r data.Record, body []byte, sig []byte) bool {
	if body != nil {
		if unsigned, ok := stripSig(body, r.Base().Sig); ok && k.done.take(pub, unsigned, sig) {
			return true
		}
	}
	return verifySig(pub, r, body, sig)
}

// precheckedSize bounds the verifications kept: the reader runs at most a
// few hundred files ahead of the import, and one it verified that the
// import does not ask for (verified by the round's merge already) is
// dropped when newer ones come.
const precheckedSize = 1024

// prechecked holds the verifications Precheck did that passed, oldest
// replaced first.
type prechecked struct {
	mu      gosync.Mutex
	entries [precheckedSize]verification
	next    int
	bySig   map[string]int // signature -> position in entries
}

type verification struct {
	pub      ed25519.PublicKey
	unsigned []byte
	sig      []byte
}

func (p *prechecked) put(pub ed25519.PublicKey, unsigned, sig []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bySig == nil {
		p.bySig = make(map[string]int, precheckedSize)
	}
	old := &p.entries[p.next]
	if old.sig != nil && p.bySig[string(old.sig)] == p.next {
		delete(p.bySig, string(old.sig))
	}
	*old = verification{pub, unsigned, sig}
	p.bySig[string(sig)] = p.next
	p.next = (p.next + 1) % precheckedSize
}

// take reports whether sig by pub over unsigned was verified ahead, and
// forgets it.
func (p *prechecked) take(pub ed25519.PublicKey, unsigned, sig []byte) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	i, ok := p.bySig[string(sig)]
	if !ok {
		return false
	}
	v := &p.entries[i]
	if !bytes.Equal(v.sig, sig) || !bytes.Equal(v.pub, pub) || !bytes.Equal(v.unsigned, unsigned) {
		return false
	}
	delete(p.bySig, string(sig))
	*v = verification{}
	return true
}
