package words

import (
	"vademecum/data"
	"vademecum/data/trust"
	"vademecum/internal/synccode"
)

// Refusal words why the sync set a file of the hub aside (synccode.Explain's
// codes), its values made printable: they come from the hub. ok is false for a
// reason without a code, which keeps its English (technical) text.
func (w *Words) Refusal(reason string) (text string, ok bool) {
	code, values := synccode.Explain(reason)
	if code == "" {
		return w.signatureRefusal(reason)
	}
	a := printableValues(values)
	switch code {
	case synccode.ReasonUnreadable:
		return w.X("sync.reason.unreadable", "The file could not be read from the hub."), true
	case synccode.ReasonTooLarge:
		return w.X("sync.reason.too_large", "The file is too big ({{.Size}} KB; at most {{.Max}} KB are accepted).", a), true
	case synccode.ReasonNotText:
		return w.X("sync.reason.not_text", "The file is not readable text."), true
	case synccode.ReasonIDMismatch:
		return w.X("sync.reason.id_mismatch", "The record in the file does not match the file's name ({{.ID}}).", a), true
	case synccode.ReasonWrongFolder:
		return w.X("sync.reason.wrong_folder", "A record of the wrong kind ({{.Type}}) in the folder for {{.Folder}}.", a), true
	case synccode.ReasonToolkit:
		return w.X("sync.reason.toolkit", "Toolkit content comes with the app, never from a hub."), true
	case synccode.ReasonWrongMonth:
		return w.X("sync.reason.wrong_month", "The record was written in {{.Created}} but is filed under {{.Folder}}.", a), true
	case synccode.ReasonRemoved:
		return w.X("sync.reason.removed", "Someone deleted the file from the hub by hand: it was kept here and sent back to the hub."), true
	case synccode.ReasonOlder:
		return w.X("sync.reason.older", "An older version (version {{.Version}}, of {{.Updated}}) than the one on this computer (version {{.Held}}): left aside.", a), true
	case synccode.ReasonOlderThan:
		return w.X("sync.reason.older_than", "An older version (version {{.Version}}, of {{.Updated}}) than the one on this computer (version {{.Held}}, of {{.HeldUpdated}}): left aside.", a), true
	case synccode.ReasonIDTaken:
		return w.X("sync.reason.id_taken", "Another file ({{.Path}}) already uses the record number {{.ID}}.", a), true
	case synccode.ReasonLocalUnreadable:
		return w.X("sync.reason.local_unreadable", "The copy of {{.ID}} on this computer cannot be read, so it was not replaced.", a), true
	case synccode.ReasonSymlink:
		return w.X("sync.reason.symlink", "A shortcut (symbolic link), not a record."), true
	case synccode.ReasonGitlink:
		return w.X("sync.reason.gitlink", "A link to another repository, not a record."), true
	case synccode.ReasonOddMode:
		return w.X("sync.reason.odd_mode", "A file of an unknown kind, not a record."), true
	case synccode.ReasonAttachmentName:
		return w.X("sync.reason.attachment_name", "An attachment with a wrong name."), true
	case synccode.ReasonAttachmentUnlisted:
		return w.X("sync.reason.attachment_unlisted", "An attachment that no practice lists."), true
	case synccode.ReasonAttachmentList:
		return w.X("sync.reason.attachment_list", "A practice that lists files the app would not attach (a name, size or kind out of bounds)."), true
	case synccode.ReasonAttachmentContent:
		return w.X("sync.reason.attachment_content", "An attachment whose content is not the file the practice lists."), true
	case synccode.ReasonOutsideFolders:
		return w.X("sync.reason.outside_folders", "A file outside the hub's folders."), true
	case synccode.ReasonNeedsMonth:
		return w.X("sync.reason.needs_month", "A file in {{.Folder}} that is not in a year and month folder.", a), true
	case synccode.ReasonNoSubfolders:
		return w.X("sync.reason.no_subfolders", "A folder inside {{.Folder}}, where only files belong.", a), true
	case synccode.ReasonFileName:
		return w.X("sync.reason.file_name", "A file whose name is not a record's."), true
	case synccode.ReasonErased:
		return w.X("sync.reason.erased", "The record {{.ID}} was erased: no version of it is taken any more.", a), true
	case synccode.ReasonNoKey:
		return w.X("sync.reason.no_key", "The key of this sealed record has not arrived yet: it is checked again at the next sync."), true
	case synccode.ReasonBadSeal:
		return w.X("sync.reason.bad_seal", "The sealed record does not open with its key: it was changed after it was signed."), true
	}
	return "", false
}

// signatureRefusal words why a signature check refused a record of a hub
// (trust.Explain's codes).
func (w *Words) signatureRefusal(reason string) (text string, ok bool) {
	code, values := trust.Explain(reason)
	if code == "" {
		return w.networkRefusal(reason)
	}
	a := printableValues(values)
	switch code {
	case trust.ReasonNoRecord:
		return w.X("trust.reason.no_record", "The file holds no record."), true
	case trust.ReasonNoOwner:
		return w.X("trust.reason.no_owner", "The record does not say which organisation it belongs to."), true
	case trust.ReasonClaimsToolkit:
		return w.X("trust.reason.claims_toolkit", "The record claims to be toolkit content, which comes with the app, never from a hub."), true
	case trust.ReasonOrgClaims:
		return w.X("trust.reason.org_claims", "The organisation file {{.ID}} claims to belong to {{.Org}}.", a), true
	case trust.ReasonNotRecordID:
		return w.X("trust.reason.not_record_id", "{{.ID}} is not a record number.", a), true
	case trust.ReasonLocalCheck:
		return w.X("trust.reason.local_check", "The record could not be checked against this computer's database ({{.Error}}).", a), true
	case trust.ReasonNonOwner:
		return w.X("trust.reason.non_owner", "Changed by someone who does not own it: this {{.Type}} belongs to {{.Owner}}, but this version says it belongs to {{.Claimed}}.", a), true
	case trust.ReasonTypeChanged:
		return w.X("trust.reason.type_changed", "The record is a {{.Type}} here, and this version makes it a {{.NewType}}.", a), true
	case trust.ReasonForeignID:
		return w.X("trust.reason.foreign_id", "The record number {{.ID}} was made for another organisation, not for {{.Org}}.", a), true
	case trust.ReasonNotSigned:
		return w.X("trust.reason.not_signed", "The record is not signed: every shared record must be signed by a computer of its organisation."), true
	case trust.ReasonBadSignature:
		return w.X("trust.reason.bad_signature", "The signature is damaged (was the file changed by hand?)."), true
	case trust.ReasonOrgNotReceived:
		return w.X("trust.reason.org_not_received", "Signed for {{.Org}}, whose organisation file has not arrived here yet: it is tried again at the next sync.", a), true
	case trust.ReasonMalformedKey:
		return w.X("trust.reason.malformed_key", "The organisation file of {{.Org}} lists a damaged key ({{.Key}}).", a), true
	case trust.ReasonTampered:
		return w.X("trust.reason.tampered", "The signature does not match the content: the file was changed after it was signed."), true
	case trust.ReasonRevoked:
		return w.X("trust.reason.revoked", "Signed by {{.Org}} with the key {{.Key}}, which was revoked on {{.Revoked}}: what it signed after that is refused.", a), true
	case trust.ReasonNonOwnerKey:
		return w.X("trust.reason.non_owner_key", "Changed by someone who does not own it: signed with a key of {{.Signer}}, but the record belongs to {{.Owner}}.", a), true
	case trust.ReasonUnknownOwnKey:
		return w.X("trust.reason.unknown_own_key", "Signed with the key {{.Key}}, which is not one of your organisation's ({{.Org}}) keys: refused.", a), true
	case trust.ReasonUnknownKey:
		return w.X("trust.reason.unknown_key", "Signed with the key {{.Key}}, which is not one of the keys of {{.Org}} known here: it is tried again at the next sync.", a), true
	case trust.ReasonUnlistedSigner:
		return w.X("trust.reason.unlisted_signer", "The organisation file of {{.Org}} is signed with a key it does not list ({{.Key}}).", a), true
	case trust.ReasonNeedsApproval:
		return w.X("trust.reason.needs_approval", "{{.Org}} changed its keys: call them and compare the fingerprint {{.Fingerprint}}, then approve the change (key {{.Key}}).", a), true
	case trust.ReasonKeyTwice:
		return w.X("trust.reason.key_twice", "The organisation file of {{.Org}} lists the key {{.Key}} twice.", a), true
	case trust.ReasonUndoesRevocation:
		return w.X("trust.reason.undoes_revocation", "This version of the organisation file of {{.Org}} would bring back the revoked key {{.Key}}: refused.", a), true
	case trust.ReasonOrgUnreadable:
		return w.X("trust.reason.org_unreadable", "The organisation file of {{.Org}} cannot be read here ({{.Error}}).", a), true
	case trust.ReasonOrgDamaged:
		return w.X("trust.reason.org_damaged", "The organisation file of {{.Org}} on this computer is damaged ({{.Error}}).", a), true
	case trust.ReasonNotInvitedKey:
		return w.X("trust.reason.not_invited_key", "The organisation file of {{.Org}} is signed with a key ({{.Key}}, fingerprint {{.Fingerprint}}) that your invitation did not name: set aside. If {{.Org}} really changed its keys, call them, compare the fingerprint, then approve the change.", a), true
	}
	return "", false
}

// printableValues are a reason's values from a hub, made printable.
func printableValues(values map[string]string) Args {
	a := Args{}
	for k, v := range values {
		a[k] = data.Printable(v)
	}
	return a
}

// networkRefusal words why the living toolkit's rule refused a review or a
// change of the editor list (data.ExplainNetwork's codes).
func (w *Words) networkRefusal(reason string) (text string, ok bool) {
	code, values := data.ExplainNetwork(reason)
	a := printableValues(values)
	switch code {
	case data.ReasonNotEditor:
		return w.X("network.reason.not_editor", "Signed by {{.Org}}, which is not an editor: only editors review proposals and change the list of editors.", a), true
	case data.ReasonSecondFounding:
		return w.X("network.reason.second_founding", "{{.Org}} tried to found the list of editors again: this network's editors were founded by {{.Founder}}.", a), true
	case data.ReasonNoEditorList:
		return w.X("network.reason.no_editor_list", "This {{.Type}} of {{.Org}} waits for the list of editors, which has not arrived here yet.", a), true
	case data.ReasonBadReview:
		return w.X("network.reason.bad_review", "Not a valid review: {{.Error}}", a), true
	case data.ReasonNotEraser:
		return w.X("network.reason.not_eraser", "An erasure signed by {{.Org}}, which neither owns the record ({{.Owner}}) nor is an editor: refused.", a), true
	case data.ReasonBadErasure:
		return w.X("network.reason.bad_erasure", "An erasure notice of {{.Org}} that names no record, no reason or the wrong owner: refused.", a), true
	}
	return "", false
}
