package sync

import (
	"errors"
	"strings"
	"testing"
)

// TestNoSSHKeyNamesNoFlag: an SSH hub without an agent or a key file is an
// ErrAuth whose cause ErrNoSSHKey lets each front end name its own way out
// (the CLI its --ssh-key); the sentence names no flag.
func TestNoSSHKeyNamesNoFlag(t *testing.T) {
	h := &hub{display: "git@hub.example.org:partners.git", kind: hubSSH}
	err := explain(errors.New("error creating SSH agent: \"SSH agent requested but SSH_AUTH_SOCK not-specified\""), h)
	if !errors.Is(err, ErrAuth) || !errors.Is(err, ErrNoSSHKey) {
		t.Fatalf("err = %v, want ErrAuth caused by ErrNoSSHKey", err)
	}
	if want := "no SSH key for git@hub.example.org:partners.git: start an SSH agent with your key"; err.Error() != want || strings.Contains(err.Error(), "--") {
		t.Errorf("err = %q, want %q", err, want)
	}
}
