package trust

import (
	"bytes"
	"testing"

	"vademecum/data"
)

// A verification done ahead (Precheck) counts for nothing but exactly the
// record it verified: a hub that sends a tampered copy, or a record signed
// by a partner's key that the precheck could verify with, gets the refusal it
// gets without the precheck, and the genuine record still passes after.
func TestPrecheckDecidesNothing(t *testing.T) {
	a := newInstallation(t, "opengroup-it", "")
	b := newInstallation(t, "cepaim-es", "")
	c := newInstallation(t, "caritas-cz", "")
	meet(t, a, b, c)
	id := a.practice(t, "Night shelter intake")
	body := a.publish(t, id)
	pre := func(x []byte) {
		t.Helper()
		r, err := data.Decode(x)
		if err != nil {
			t.Fatal(err)
		}
		b.kr.Precheck(r, x)
	}

	// The genuine file and a tampered copy carrying its signature, both
	// verified ahead: the copy is refused.
	tampered := bytes.Replace(body, []byte("Night shelter intake"), []byte("Night shelter intakes"), 1)
	pre(body)
	pre(tampered)
	b.refuses(t, tampered, "changed after it was signed")

	// The practice changed and signed by a partner whose key this keyring
	// knows (and so verifies with ahead): a non-owner's change.
	r, err := a.st.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	r.(*data.Practice).Title = "Taken over"
	if err := signRecord(c.kr.me, r); err != nil {
		t.Fatal(err)
	}
	foreign, err := data.Encode(r)
	if err != nil {
		t.Fatal(err)
	}
	pre(foreign)
	if !b.kr.done.take(c.kr.me.pub(), mustStrip(t, foreign), sigOf(t, foreign)) {
		t.Fatal("the precheck did not verify the partner's signature with the partner's key")
	}
	pre(foreign)
	b.refuses(t, foreign, "changed by a non-owner")

	// The genuine file passes, taking the verification done ahead.
	pre(body)
	b.mustReceive(t, body)
	if b.kr.done.take(a.kr.me.pub(), mustStrip(t, body), sigOf(t, body)) {
		t.Fatal("the verification done ahead was not taken by Verify")
	}
}

func sigOf(t *testing.T, body []byte) []byte {
	t.Helper()
	r, err := data.Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	_, sig, err := parseSig(r.Base().Sig)
	if err != nil {
		t.Fatal(err)
	}
	return sig
}

func mustStrip(t *testing.T, body []byte) []byte {
	t.Helper()
	r, err := data.Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	unsigned, ok := stripSig(body, r.Base().Sig)
	if !ok {
		t.Fatal("not canonical")
	}
	return unsigned
}

// A bounded number of verifications is kept, each taken once.
func TestPrecheckedIsBounded(t *testing.T) {
	var p prechecked
	pub := make([]byte, 32)
	for i := range 3 * precheckedSize {
		sig := []byte{byte(i), byte(i >> 8), 1}
		p.put(pub, []byte("message"), sig)
	}
	if len(p.bySig) != precheckedSize {
		t.Fatalf("%d verifications kept, the bound is %d", len(p.bySig), precheckedSize)
	}
	n := 3*precheckedSize - 1
	last := []byte{byte(n), byte(n >> 8), 1}
	if p.take(pub, []byte("other message"), last) {
		t.Fatal("a verification was given for other bytes")
	}
	if !p.take(pub, []byte("message"), last) || p.take(pub, []byte("message"), last) {
		t.Fatal("a verification is taken once")
	}
	if p.take(pub, []byte("message"), []byte{0, 0, 1}) {
		t.Fatal("the oldest verification was kept beyond the bound")
	}
}
