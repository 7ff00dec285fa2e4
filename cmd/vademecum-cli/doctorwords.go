package main

import (
	"vademecum/internal/words"
	vsync "vademecum/sync"
)

// doctorJSON is a finding as doctor --json prints it: what and fix in
// English, as scripts read them, with the code and values they came from.
type doctorJSON struct {
	Check   string         `json:"check"`
	Problem bool           `json:"problem"`
	Warning bool           `json:"warning"`
	What    said           `json:"what"`
	Fix     said           `json:"fix,omitempty"`
	Code    string         `json:"code"`
	Values  map[string]any `json:"values,omitempty"`
}

type diagnosisJSON struct {
	Dir      string       `json:"dir"`
	Findings []doctorJSON `json:"findings"`
}

func (t tr) diagnosisJSON(d *vsync.Diagnosis) diagnosisJSON {
	out := diagnosisJSON{Dir: d.Dir, Findings: []doctorJSON{}}
	for _, f := range d.Findings {
		what, fix := t.finding(f)
		out.Findings = append(out.Findings, doctorJSON{Check: f.Check, Problem: f.Problem, Warning: f.Warning,
			What: what, Fix: fix, Code: f.Code, Values: f.Values})
	}
	return out
}

// finding words what the doctor found and the way out. The English keeps
// the doctor's words of old, which scripts match ("1 shared records wait"):
// its one and other forms are the same; the other languages have theirs.
func (t tr) finding(f vsync.Finding) (what, fix said) {
	a := words.Args{}
	for k, v := range f.Values {
		a[k] = v
	}
	count, _ := f.Values["Count"].(int)
	switch f.Code {
	case vsync.FoundNoDataDir:
		what = t.X("cli.doctor.no_data_dir", "{{.Dir}} does not exist or is not a folder", a)
	case vsync.FoundDBMissing:
		what = t.X("cli.doctor.db_missing", "the database {{.File}} is missing, but this data directory was in use", a)
	case vsync.FoundNoDB:
		what = t.X("cli.doctor.no_db", "there is no database in {{.Dir}} yet", a)
	case vsync.FoundDBUnreadable:
		what = t.X("cli.doctor.db_unreadable", "the database {{.File}} cannot be read: {{.Error}}", a)
	case vsync.FoundDBUnopenable:
		what = t.X("cli.doctor.db_unopenable", "the database {{.File}} cannot be opened: {{.Error}}", a)
	case vsync.FoundDBQuickCheck:
		what = t.X("cli.doctor.db_quick_check", "the database {{.File}} is damaged (quick check found: {{.Error}})", a)
	case vsync.FoundDBIntegrityCheck:
		what = t.X("cli.doctor.db_integrity_check", "the database {{.File}} is damaged (integrity check found: {{.Error}})", a)
	case vsync.FoundDBOK:
		what = t.X("cli.doctor.db_ok", "{{.File}} passed the quick and the full integrity checks ({{.KB}} KB)", a)
	case vsync.FoundSchemaUnreadable:
		what = t.X("cli.doctor.schema_unreadable", "the database's schema version cannot be read: {{.Error}}", a)
	case vsync.FoundSchemaNewer:
		what = t.X("cli.doctor.schema_newer", "the database was written by a newer Vademecum (schema {{.Version}}, this version knows {{.Known}})", a)
	case vsync.FoundSchemaOlder:
		what = t.X("cli.doctor.schema_older", "the database has schema {{.Version}}; this version upgrades it to {{.Known}} when it next opens it", a)
	case vsync.FoundSchemaOK:
		what = t.X("cli.doctor.schema_ok", "schema version {{.Version}}, as this version expects", a)
	case vsync.FoundNoIdentity:
		what = t.X("cli.doctor.no_identity", "this installation has no organisation yet")
	case vsync.FoundIdentity:
		what = t.X("cli.doctor.identity", "this installation belongs to {{.Org}}", a)
	case vsync.FoundRecordsUnread:
		what = t.X("cli.doctor.records_unread", "the records cannot be read: {{.Error}}", a)
	case vsync.FoundRecordsBad:
		what = t.N("cli.doctor.records_bad", "{{.Count}} of the {{.Total}} records cannot be read: {{.Examples}}", "{{.Count}} of the {{.Total}} records cannot be read: {{.Examples}}", count, a)
	case vsync.FoundRecordsOK:
		what = t.N("cli.doctor.records_ok", "every one of the {{.Count}} records can be read", "every one of the {{.Count}} records can be read", count, a)
	case vsync.FoundErasedOK:
		what = t.N("cli.doctor.erased_ok", "{{.Count}} erased record: readable nowhere here (database, local copy, local repository)", "{{.Count}} erased records: none readable here (database, local copy, local repository)", count, a)
	case vsync.FoundErasedReadable:
		what = t.N("cli.doctor.erased_readable", "{{.Count}} erased record can still be read here ({{.Where}})", "{{.Count}} erased records can still be read here ({{.Where}})", count, a)
	case vsync.FoundErasedHistory:
		what = t.N("cli.doctor.erased_history", "{{.Count}} erased record has versions in the clear in the local repository's history", "{{.Count}} erased records have versions in the clear in the local repository's history", count, a)
	case vsync.FoundNoRepo:
		what = t.X("cli.doctor.no_repo", "no local repository yet (it is made at the first sync)")
	case vsync.FoundRepoMissing:
		what = t.X("cli.doctor.repo_missing", "the local repository {{.Dir}} is missing", a)
	case vsync.FoundRepoUnopenable:
		what = t.X("cli.doctor.repo_unopenable", "the local repository {{.Dir}} cannot be opened: {{.Error}}", a)
	case vsync.FoundRepoDamaged:
		what = t.X("cli.doctor.repo_damaged", "the local repository {{.Dir}} is damaged: {{.Problems}}", a)
	case vsync.FoundRepoOK:
		what = t.N("cli.doctor.repo_ok", "{{.Dir}}: {{.Count}} objects read back and checked, references valid", "{{.Dir}}: {{.Count}} objects read back and checked, references valid", count, a)
	case vsync.FoundRepoBehind:
		what = t.X("cli.doctor.repo_behind", "the database holds commit {{.Commit}}, which the local repository lacks", a)
	case vsync.FoundRepoLeftovers:
		what = t.N("cli.doctor.repo_leftovers", "an interrupted sync left {{.Count}} temporary files ({{.Files}})", "an interrupted sync left {{.Count}} temporary files ({{.Files}})", count, a)
	case vsync.FoundFsck:
		what = t.X("cli.doctor.fsck", "git fsck reports: {{.Output}}", a)
	case vsync.FoundFsckOK:
		what = t.X("cli.doctor.fsck_ok", "git fsck finds nothing wrong")
	case vsync.FoundPending:
		what = t.N("cli.doctor.pending", "{{.Count}} shared records wait for the next sync", "{{.Count}} shared records wait for the next sync", count, a)
	case vsync.FoundNothingPending:
		what = t.X("cli.doctor.nothing_pending", "nothing waits to be sent")
	case vsync.FoundHeldBack:
		what = t.N("cli.doctor.held_back", "{{.Count}} shared records are not sent because they still contain personal data, e.g. {{.Type}} {{.ID}} ({{.Title}}): {{.Field}}: {{.Kind}} \"{{.Text}}\"",
			"{{.Count}} shared records are not sent because they still contain personal data, e.g. {{.Type}} {{.ID}} ({{.Title}}): {{.Field}}: {{.Kind}} \"{{.Text}}\"", count, a)
	case vsync.FoundQuarantine:
		reason, _ := f.Values["Reason"].(string)
		a["Reason"] = string(t.refusedReason(reason))
		what = t.N("cli.doctor.quarantine", "{{.Count}} files from hubs are held in quarantine, e.g. {{.Path}}: {{.Reason}}", "{{.Count}} files from hubs are held in quarantine, e.g. {{.Path}}: {{.Reason}}", count, a)
	case vsync.FoundNoQuarantine:
		what = t.X("cli.doctor.no_quarantine", "no file from a hub is held in quarantine")
	case vsync.FoundConflicts:
		what = t.N("cli.doctor.conflicts", "{{.Count}} fields were edited in two places and wait for a decision", "{{.Count}} fields were edited in two places and wait for a decision", count, a)
	case vsync.FoundKeyChanges:
		what = t.N("cli.doctor.key_changes", "{{.Count}} key changes of partners wait for approval", "{{.Count}} key changes of partners wait for approval", count, a)
	case vsync.FoundSyncFailed:
		what = t.X("cli.doctor.sync_failed", "the last sync with {{.Remote}} failed: {{.Error}}", a)
	case vsync.FoundNoKey:
		what = t.X("cli.doctor.no_key", "there is no installation key {{.File}}: a new one is made at the next start, and partners will have to approve it", a)
	case vsync.FoundKeyUnreadable:
		what = t.X("cli.doctor.key_unreadable", "the installation key {{.File}} cannot be read: {{.Error}}", a)
	case vsync.FoundKeyExposed:
		what = t.X("cli.doctor.key_exposed", "the installation's private key {{.File}} can be read by other users of this computer (mode {{.Mode}})", a)
	case vsync.FoundKeyDamaged:
		what = t.X("cli.doctor.key_damaged", "the installation key {{.File}} is damaged", a)
	case vsync.FoundKeyOK:
		what = t.X("cli.doctor.key_ok", "the installation key is readable by its user only")
	case vsync.FoundCopyUnreadable:
		what = t.X("cli.doctor.copy_unreadable", "the local copy {{.File}} cannot be read: {{.Error}}", a)
	case vsync.FoundCopySkipped:
		what = t.N("cli.doctor.copy_skipped", "{{.Count}} lines of the local copy cannot be read (a write cut short)", "{{.Count}} lines of the local copy cannot be read (a write cut short)", count, a)
	case vsync.FoundCopyOK:
		what = t.X("cli.doctor.copy_ok", "{{.Records}} records and {{.Settings}} settings can be restored from the local copy", a)
	default:
		what = t.X("cli.error.technical", "{{.Detail}}", words.Args{"Detail": f.Code})
	}
	return what, t.doctorFix(f.Fix, a)
}

// doctorFix words the way out of a finding, with the CLI's commands.
func (t tr) doctorFix(fix string, a words.Args) said {
	switch fix {
	case "":
		return ""
	case vsync.FixDataDir:
		return t.X("cli.doctor.fix.data_dir", "check --data (or VADEMECUM_DATA), or run 'vademecum-cli init' to start a new installation")
	case vsync.FixInit:
		return t.X("cli.doctor.fix.init", "run 'vademecum-cli init' (or start the app) to set up this installation")
	case vsync.FixPermissions:
		return t.X("cli.doctor.fix.permissions", "check the permissions of the data directory")
	case vsync.FixRebuild:
		return t.X("cli.doctor.fix.rebuild", "run 'vademecum-cli rebuild': it recreates the database from the local repository and the local copy, and keeps the damaged file aside")
	case vsync.FixRebuildForce:
		return t.X("cli.doctor.fix.rebuild_force", "run 'vademecum-cli rebuild --force': it recreates the database from the local repository and the local copy, and keeps the old file aside")
	case vsync.FixUpdate:
		return t.X("cli.doctor.fix.update", "update the app and the CLI")
	case vsync.FixSyncAgain:
		return t.X("cli.doctor.fix.sync_again", "sync again: the records already here are kept, and the repository is made anew from the hub")
	case vsync.FixMoveRepo:
		return t.X("cli.doctor.fix.move_repo", "move the folder aside and sync again: it is made anew from the hub")
	case vsync.FixMoveRepoLost:
		return t.X("cli.doctor.fix.move_repo_lost", "move the folder aside and sync again: it is made anew from the hub (records that never left this computer are not in it)")
	case vsync.FixNextSync:
		return t.X("cli.doctor.fix.next_sync", "nothing to do: the next sync compares the database with the repository again")
	case vsync.FixTidied:
		return t.X("cli.doctor.fix.tidied", "nothing to do: the next sync tidies them")
	case vsync.FixPersonal:
		return t.X("cli.doctor.fix.personal", "replace each finding or mark it as not personal (in the app, or 'vademecum-cli practice edit ID --pseudonymise'); 'vademecum-cli sync' lists them all")
	case vsync.FixQuarantine:
		return t.X("cli.doctor.fix.quarantine", "they were not imported; 'vademecum-cli sync' lists them all, and a partner may need to fix them")
	case vsync.FixConflicts:
		return t.X("cli.doctor.fix.conflicts", "see 'vademecum-cli conflicts'")
	case vsync.FixKeyChanges:
		return t.X("cli.doctor.fix.key_changes", "compare the fingerprints by phone, then see 'vademecum-cli keys'")
	case vsync.FixRestoreKey:
		return t.X("cli.doctor.fix.restore_key", "if this installation had a key before, restore installation.key from a backup first")
	case vsync.FixChmodKey:
		return t.X("cli.doctor.fix.chmod_key", "run 'chmod 600 {{.File}}' (the app also fixes it when it starts)", a)
	case vsync.FixDamagedKey:
		return t.X("cli.doctor.fix.damaged_key", "restore it from a backup; or move it away to make a new key that partners will have to approve")
	case vsync.FixRewritten:
		return t.X("cli.doctor.fix.rewritten", "nothing to do: it is rewritten as it grows")
	case vsync.FixRecreateHub:
		return t.X("cli.doctor.fix.recreate_hub", "they were shared before hub format 4, in the clear: their text stays in the hub's history and in every local repository until the hub is recreated (a new empty repository all installations sync to)")
	}
	return t.X("cli.error.technical", "{{.Detail}}", words.Args{"Detail": fix})
}

// doctorCheck words what the doctor looked at (doctor --json keeps the
// English name).
func (t tr) doctorCheck(check string) said {
	switch check {
	case "data directory":
		return t.X("cli.doctor.check.data_dir", "data directory")
	case "database":
		return t.X("cli.doctor.check.database", "database")
	case "schema":
		return t.X("cli.doctor.check.schema", "schema")
	case "identity":
		return t.X("cli.doctor.check.identity", "identity")
	case "records":
		return t.X("cli.doctor.check.records", "records")
	case "repository":
		return t.X("cli.doctor.check.repository", "repository")
	case "pending":
		return t.X("cli.doctor.check.pending", "pending")
	case "privacy":
		return t.X("cli.doctor.check.privacy", "privacy")
	case "quarantine":
		return t.X("cli.doctor.check.quarantine", "quarantine")
	case "conflicts":
		return t.X("cli.doctor.check.conflicts", "conflicts")
	case "keys":
		return t.X("cli.doctor.check.keys", "keys")
	case "sync":
		return t.X("cli.doctor.check.sync", "sync")
	case "key":
		return t.X("cli.doctor.check.key", "key")
	case "local copy":
		return t.X("cli.doctor.check.local_copy", "local copy")
	case "erasures":
		return t.X("cli.doctor.check.erasures", "erasures")
	}
	return t.X("cli.error.technical", "{{.Detail}}", words.Args{"Detail": check})
}
