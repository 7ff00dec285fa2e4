package trust

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"vademecum/data"
)

// A partner forges another organisation's file before a newcomer joins: the
// keys the invitation pinned win over first sight.
func TestInvitedKeysWinOverFirstSight(t *testing.T) {
	coord := newInstallation(t, "opengroup-it", "office")
	cepaim := newInstallation(t, "cepaim-es", "desk")
	meet(t, coord, cepaim)
	genuine := cepaim.publish(t, "cepaim-es")
	forger := newInstallation(t, "cepaim-es", "not cepaim")
	forged := forger.publish(t, "cepaim-es")

	newcomer := newInstallation(t, "casa-aperta-it", "laptop")
	orgs, err := NetworkKeys(coord.st)
	if err != nil || len(orgs) != 2 {
		t.Fatalf("the coordinator's network: %+v %v", orgs, err)
	}
	if err := Pin(newcomer.st, orgs); err != nil {
		t.Fatal(err)
	}
	err = newcomer.receive(t, forged)
	var c *ContradictsInvitation
	if !errors.As(err, &c) || c.Org != "cepaim-es" || c.KeyID != forger.kr.Installation().ID() {
		t.Fatalf("the forged file was not set aside as contradicting the invitation: %v", err)
	}
	if _, err := newcomer.st.Get("cepaim-es"); err == nil {
		t.Fatal("the forged file was stored")
	}
	if p, _ := Pending(newcomer.st); len(p) != 1 || p[0].Signer.ID != forger.kr.Installation().ID() {
		t.Errorf("the forged file is not held for a person to look at: %+v", p)
	}
	newcomer.mustReceive(t, genuine)
	newcomer.mustReceive(t, coord.publish(t, "opengroup-it"))
	// A practice of the forger is refused as not Cepaim's.
	newcomer.refuses(t, forger.publish(t, forger.practice(t, "forged")), "not one of the keys of cepaim-es")

	// Without an invitation, first sight believes the hub (and the CLI and
	// the app say to compare fingerprints).
	plain := newInstallation(t, "caritas-pl", "laptop")
	plain.mustReceive(t, forged)
}

func TestInvitedKeyRevokedBeforeTheFile(t *testing.T) {
	a := newInstallation(t, "opengroup-it", "office")
	b := newInstallation(t, "casa-aperta-it", "laptop")
	pub := a.kr.Installation().Public()
	if err := Pin(b.st, []InvitedOrg{{ID: "opengroup-it", Keys: []InvitedKey{{Public: pub, Revoked: time.Now().Add(-time.Hour)}}}}); err != nil {
		t.Fatal(err)
	}
	o := a.orgFile(t)
	o.Updated = data.Now()
	if err := signRecord(a.kr.Installation(), o); err != nil {
		t.Fatal(err)
	}
	body, _ := data.Encode(o)
	var c *ContradictsInvitation
	if err := b.receive(t, body); !errors.As(err, &c) {
		t.Fatalf("a file signed after the key's revocation was accepted: %v", err)
	}
}

func TestPinRefusesMalformedLists(t *testing.T) {
	st := newInstallation(t, "casa-aperta-it", "laptop").st
	for _, orgs := range [][]InvitedOrg{
		{{ID: "x", Keys: []InvitedKey{{Public: "not a key"}}}},
		{{ID: "x"}},
		{{ID: data.ToolkitOrg, Keys: []InvitedKey{{Public: "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}}}},
	} {
		if err := Pin(st, orgs); err == nil {
			t.Errorf("pinned %+v", orgs)
		}
	}
	if v, _ := st.Setting(SettingInvited); v != "" {
		t.Errorf("something was pinned: %s", v)
	}
}

func TestInstallKey(t *testing.T) {
	dir := t.TempDir()
	priv, pub, err := NewLaptopKey()
	if err != nil {
		t.Fatal(err)
	}
	if err := InstallKey(dir, priv, false); err != nil {
		t.Fatal(err)
	}
	in, err := LoadInstallation(dir)
	if err != nil || in.Public() != pub || in.Created {
		t.Fatalf("installed key: %v %v", in, err)
	}
	if st, _ := os.Stat(filepath.Join(dir, KeyFile)); st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v", st.Mode().Perm())
	}
	if err := InstallKey(dir, priv, false); err != nil {
		t.Errorf("the same key again: %v", err)
	}
	other, otherPub, _ := NewLaptopKey()
	if err := InstallKey(dir, other, false); !errors.Is(err, ErrKeyExists) {
		t.Errorf("another key over one that may have signed: %v", err)
	}
	if err := InstallKey(dir, other, true); err != nil {
		t.Fatal(err)
	}
	if in, _ := LoadInstallation(dir); in.Public() != otherPub {
		t.Error("replace did not replace an unused key")
	}
}
