package sync

import "testing"

// TestExplainLeavesOtherReasons: a reason the sync did not word (a signature
// check's, a decoding error) has no code, whatever a hub put in it.
func TestExplainLeavesOtherReasons(t *testing.T) {
	for _, r := range []string{
		"signed for shelter-it, whose organisation file (orgs/shelter-it.json) has not been received here yet",
		"the file is too large (12 KB, at most 512 KB) and more",
		"xthe file is not valid UTF-8 text",
		"",
	} {
		if code, _ := Explain(r); code != "" {
			t.Errorf("%q explained as %q", r, code)
		}
	}
}

// TestHubPathErrorsHaveCodes: the reasons a hub path is refused are coded.
func TestHubPathErrorsHaveCodes(t *testing.T) {
	for path, want := range map[string]string{
		"secrets/x.json":         ReasonOutsideFolders,
		"practices/x.json":       ReasonNeedsMonth,
		"orgs/a/b.json":          ReasonNoSubfolders,
		"attachments/not-a-hash": ReasonAttachmentName,
	} {
		_, err := parseHubPath(path)
		if err == nil {
			t.Errorf("%s: accepted", path)
			continue
		}
		if code, _ := Explain(err.Error()); code != want {
			t.Errorf("%s: %q explained as %q, want %q", path, err, code, want)
		}
	}
}

// TestErrorCodesReadBack: the codes of the sync's errors are read back with
// their values, so that each front end words them with its own way out.
func TestErrorCodesReadBack(t *testing.T) {
	for _, p := range errs.ReadBackProblems() {
		t.Error(p)
	}
}
