package words

import (
	"vademecum/data"
	vsync "vademecum/sync"
)

// Refusal words why the sync set a file of the hub aside (sync.Explain's
// codes), its values made printable: they come from the hub. ok is false for a
// reason without a code, which keeps its English (technical) text.
func (w *Words) Refusal(reason string) (text string, ok bool) {
	code, values := vsync.Explain(reason)
	if code == "" {
		return "", false
	}
	a := Args{}
	for k, v := range values {
		a[k] = data.Printable(v)
	}
	switch code {
	case vsync.ReasonUnreadable:
		return w.X("sync.reason.unreadable", "The file could not be read from the hub."), true
	case vsync.ReasonTooLarge:
		return w.X("sync.reason.too_large", "The file is too big ({{.Size}} KB; at most {{.Max}} KB are accepted).", a), true
	case vsync.ReasonNotText:
		return w.X("sync.reason.not_text", "The file is not readable text."), true
	case vsync.ReasonIDMismatch:
		return w.X("sync.reason.id_mismatch", "The record in the file does not match the file's name ({{.ID}}).", a), true
	case vsync.ReasonWrongFolder:
		return w.X("sync.reason.wrong_folder", "A record of the wrong kind ({{.Type}}) in the folder for {{.Folder}}.", a), true
	case vsync.ReasonToolkit:
		return w.X("sync.reason.toolkit", "Toolkit content comes with the app, never from a hub."), true
	case vsync.ReasonWrongMonth:
		return w.X("sync.reason.wrong_month", "The record was written in {{.Created}} but is filed under {{.Folder}}.", a), true
	case vsync.ReasonRemoved:
		return w.X("sync.reason.removed", "Someone deleted the file from the hub by hand: it was kept here and sent back to the hub."), true
	case vsync.ReasonOlder:
		return w.X("sync.reason.older", "An older version (version {{.Version}}, of {{.Updated}}) than the one on this computer (version {{.Held}}): left aside.", a), true
	case vsync.ReasonOlderThan:
		return w.X("sync.reason.older_than", "An older version (version {{.Version}}, of {{.Updated}}) than the one on this computer (version {{.Held}}, of {{.HeldUpdated}}): left aside.", a), true
	case vsync.ReasonIDTaken:
		return w.X("sync.reason.id_taken", "Another file ({{.Path}}) already uses the record number {{.ID}}.", a), true
	case vsync.ReasonLocalUnreadable:
		return w.X("sync.reason.local_unreadable", "The copy of {{.ID}} on this computer cannot be read, so it was not replaced.", a), true
	case vsync.ReasonSymlink:
		return w.X("sync.reason.symlink", "A shortcut (symbolic link), not a record."), true
	case vsync.ReasonGitlink:
		return w.X("sync.reason.gitlink", "A link to another repository, not a record."), true
	case vsync.ReasonOddMode:
		return w.X("sync.reason.odd_mode", "A file of an unknown kind, not a record."), true
	case vsync.ReasonAttachmentName:
		return w.X("sync.reason.attachment_name", "An attachment with a wrong name."), true
	case vsync.ReasonOutsideFolders:
		return w.X("sync.reason.outside_folders", "A file outside the hub's folders."), true
	case vsync.ReasonNeedsMonth:
		return w.X("sync.reason.needs_month", "A file in {{.Folder}} that is not in a year and month folder.", a), true
	case vsync.ReasonNoSubfolders:
		return w.X("sync.reason.no_subfolders", "A folder inside {{.Folder}}, where only files belong.", a), true
	case vsync.ReasonFileName:
		return w.X("sync.reason.file_name", "A file whose name is not a record's."), true
	}
	return "", false
}
