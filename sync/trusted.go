package sync

import (
	"context"
	"fmt"

	"vademecum/data"
	"vademecum/data/trust"
)

// OpenTrusted opens the engine as the app and the CLI use it: shared records are
// signed with this installation's key on the way out and checked against the
// partners' pinned keys on the way in, and a record that still holds personal
// data is held back. It lists this installation's key in its organisation's file
// first. close releases the engine and the keyring.
func OpenTrusted(s *data.Store, logf func(format string, args ...any)) (eng *Engine, close func(), err error) {
	if err := trust.EnsureListed(s, ""); err != nil {
		return nil, nil, err
	}
	kr, err := trust.New(s)
	if err != nil {
		return nil, nil, err
	}
	opts := Options{Sign: kr.Sign, Verify: networkVerify(kr.Verify), Precheck: kr.Precheck, Lists: kr.Lists, Outgoing: HoldPersonalData, Logf: logf,
		NewHub:   func() error { return s.FoundEditors(context.Background(), "") },
		Imported: func() error { return s.ApplyNetwork(context.Background()) }}
	eng, err = Open(s, opts)
	if err != nil {
		kr.Close()
		return nil, nil, err
	}
	return eng, func() {
		eng.Close()
		kr.Close()
	}, nil
}

// HoldPersonalData refuses to send a record in which the privacy guard still finds
// personal data nobody pseudonymised or marked as not personal.
func HoldPersonalData(r data.Record) error {
	if f := data.PrivacyFindings(r); len(f) > 0 {
		return fmt.Errorf("it holds personal data (%d findings): pseudonymise them or mark them as not personal", len(f))
	}
	return nil
}

// networkVerify adds the living toolkit's rule (data.CheckNetwork: reviews and
// editor-list changes count only when signed by an editor) to a signature
// check.
func networkVerify(verify func(q data.Querier, r data.Record, body []byte, prev data.Record) error) func(q data.Querier, r data.Record, body []byte, prev data.Record) error {
	return func(q data.Querier, r data.Record, body []byte, prev data.Record) error {
		if err := verify(q, r, body, prev); err != nil {
			return err
		}
		return data.CheckNetwork(q, r)
	}
}
