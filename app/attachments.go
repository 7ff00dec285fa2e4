package app

import (
	"context"
	"errors"
	"image"
	_ "image/gif" // thumbnails of attached images
	_ "image/jpeg"
	_ "image/png"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp"

	"vademecum/data"
)

// thumbSize is the longer side of an attached image's thumbnail, in pixels.
const thumbSize = 96

// attachmentsSection lists the files attached to p on the practice view: a
// thumbnail for images, the name and size, Open (with the system's viewer)
// and Save as; the practice's organisation also attaches and removes files.
func (s *journalScreen) attachmentsSection(p *data.Practice, mine bool) []fyne.CanvasObject {
	if len(p.Attachments) == 0 && !mine {
		return nil
	}
	objs := []fyne.CanvasObject{widget.NewSeparator(), subheading(lang.X("attach.title", "Files"))}
	images := false
	for _, a := range p.Attachments {
		objs = append(objs, s.attachmentRow(p, a, mine))
		images = images || strings.HasPrefix(a.MediaType, "image/")
	}
	if images {
		objs = append(objs, note(lang.X("attach.faces", "Images may show people's faces or other details that tell who they are: share them only with their consent.")))
	}
	if mine {
		add := widget.NewButtonWithIcon(lang.X("attach.add", "Attach a file"), theme.ContentAddIcon(), func() { s.chooseAttachment(p) })
		objs = append(objs, container.NewHBox(add),
			note(lang.X("attach.limits", "PDF files, office documents and images, up to 30 MB each. Photos lose their location and camera details when attached.")))
	}
	return objs
}

// attachmentRow is one attached file.
func (s *journalScreen) attachmentRow(p *data.Practice, a data.Attachment, mine bool) fyne.CanvasObject {
	here := s.u.store.HasAttachment(a.SHA256)
	info := container.NewVBox(widget.NewLabel(a.Name), note(fileSize(a.Size)))
	var buttons []fyne.CanvasObject
	if here {
		buttons = append(buttons,
			widget.NewButtonWithIcon(lang.X("attach.open", "Open"), theme.FileIcon(), func() { s.openAttachment(a) }),
			widget.NewButtonWithIcon(lang.X("attach.save_as", "Save as…"), theme.DocumentSaveIcon(), func() { s.saveAttachmentAs(a) }))
	} else {
		info.Add(note(lang.X("attach.not_here", "Not on this computer yet: it arrives with a sync.")))
	}
	if mine {
		rm := widget.NewButtonWithIcon(lang.X("attach.remove", "Remove"), theme.DeleteIcon(), func() { s.removeAttachment(p, a) })
		buttons = append(buttons, rm)
	}
	icon := widget.NewIcon(theme.FileIcon())
	var left fyne.CanvasObject = icon
	if here && strings.HasPrefix(a.MediaType, "image/") {
		img := canvas.NewImageFromResource(theme.FileImageIcon())
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(thumbSize, thumbSize))
		left = img
		path := s.u.store.AttachmentPath(a.SHA256)
		s.u.background(func(ctx context.Context) func() {
			thumb := thumbnail(path, a.MediaType)
			if thumb == nil {
				return nil
			}
			return func() {
				img.Resource, img.Image = nil, thumb
				img.Refresh()
			}
		})
	}
	return container.NewBorder(nil, nil, left, container.NewHBox(buttons...), info)
}

// fileSize says a size in the person's terms.
func fileSize(n int64) string {
	if n < 1<<20 {
		return lang.X("attach.size_kb", "{{.Size}} KB", map[string]any{"Size": formatNumber(int((n + 1023) >> 10))})
	}
	mb := printer(currentLanguage()).Sprintf("%.1f", float64(n)/(1<<20)) // 3,5 in Italian
	return lang.X("attach.size_mb", "{{.Size}} MB", map[string]any{"Size": mb})
}

// thumbnail decodes an attached image and shrinks it, turned the way the
// camera noted (JPEG), or returns nil.
func thumbnail(path, mediaType string) image.Image {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	src, _, err := image.Decode(f)
	if err != nil {
		return nil
	}
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	if w == 0 || h == 0 {
		return nil
	}
	scale := float64(thumbSize) / float64(max(w, h))
	if scale > 1 {
		scale = 1
	}
	dst := image.NewRGBA(image.Rect(0, 0, max(1, int(float64(w)*scale)), max(1, int(float64(h)*scale))))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
	if mediaType != "image/jpeg" {
		return dst
	}
	if _, err := f.Seek(0, 0); err != nil {
		return dst
	}
	return orient(dst, data.JPEGOrientation(f))
}

// orient turns an image the way EXIF orientation o (1 to 8) says it is to be shown.
func orient(src *image.RGBA, o int) image.Image {
	if o <= 1 || o > 8 {
		return src
	}
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range dh {
		for x := range dw {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = w-1-x, y
			case 3:
				sx, sy = w-1-x, h-1-y
			case 4:
				sx, sy = x, h-1-y
			case 5:
				sx, sy = y, x
			case 6:
				sx, sy = y, h-1-x
			case 7:
				sx, sy = w-1-y, h-1-x
			case 8:
				sx, sy = w-1-y, x
			}
			dst.Set(x, y, src.At(sx, sy))
		}
	}
	return dst
}

// chooseAttachment asks for a file to attach to p.
func (s *journalScreen) chooseAttachment(p *data.Practice) {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		path := rc.URI().Path()
		rc.Close()
		s.attachFile(p, path)
	}, s.u.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".pdf", ".jpg", ".jpeg", ".png", ".gif", ".webp",
		".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp", ".doc", ".xls", ".ppt"}))
	s.u.showDialog(d)
}

// attachFile attaches the file at path to p off the UI goroutine, then shows
// the practice again; an image brings the reminder about faces.
func (s *journalScreen) attachFile(p *data.Practice, path string) {
	s.u.background(func(ctx context.Context) func() {
		a, err := s.u.store.AttachFile(ctx, p.ID, path, "")
		return func() {
			if err != nil {
				s.u.showError(attachProblem(filepath.Base(path), err), nil)
				return
			}
			s.u.journal.reload(p.ID)
			if strings.HasPrefix(a.MediaType, "image/") {
				s.u.showDialog(dialog.NewInformation(lang.X("attach.faces_title", "Before you share this image"),
					lang.X("attach.faces", "Images may show people's faces or other details that tell who they are: share them only with their consent."), s.u.win))
			}
		}
	})
}

// attachProblem words why a file could not be attached.
func attachProblem(name string, err error) string {
	var big *data.AttachmentTooLargeError
	var kind *data.AttachmentKindError
	var ve data.ValidationError
	switch {
	case errors.As(err, &big):
		return lang.X("attach.too_large", "{{.Name}} is too large to attach ({{.Size}} MB, at most {{.Max}} MB): make it smaller (a scan at a lower resolution, a photo resized) or share a link to it.",
			map[string]any{"Name": name, "Size": (big.Size + 1<<20 - 1) >> 20, "Max": big.Max >> 20})
	case errors.As(err, &kind):
		return lang.X("attach.kind", "{{.Name}} cannot be attached: only PDF files, office documents (Word, Excel, PowerPoint, LibreOffice) and images (JPEG, PNG, GIF, WebP) can.",
			map[string]any{"Name": kind.Name})
	case errors.As(err, &ve) && len(ve) > 0:
		return plainMessage(ve[0])
	case errors.Is(err, data.ErrAttachmentNotHere):
		return lang.X("attach.not_here", "Not on this computer yet: it arrives with a sync.")
	}
	return lang.X("attach.failed", "The file could not be attached.") + "\n\n" + err.Error()
}

// openAttachment opens a copy of the file with the system's viewer. The copy
// is in a private temporary folder, under the file's name so that the system
// knows its kind.
func (s *journalScreen) openAttachment(a data.Attachment) {
	s.u.background(func(ctx context.Context) func() {
		dir, err := os.MkdirTemp("", "vademecum-open-")
		path := filepath.Join(dir, a.FileName())
		if err == nil {
			err = s.u.store.SaveAttachmentAs(a, path)
		}
		return func() {
			if err != nil {
				s.u.showError(lang.X("attach.open_failed", "The file could not be opened."), err)
				return
			}
			s.opened = path
			u, err := url.Parse(storage.NewFileURI(path).String()) // file:///C:/... on Windows
			if err == nil {
				err = s.u.app.OpenURL(u)
			}
			if err != nil {
				s.u.showError(lang.X("attach.open_failed", "The file could not be opened."), err)
			}
		}
	})
}

// saveAttachmentAs asks where to save a copy of the file.
func (s *journalScreen) saveAttachmentAs(a data.Attachment) {
	d := dialog.NewFileSave(func(wc fyne.URIWriteCloser, err error) {
		if err != nil || wc == nil {
			return
		}
		path := wc.URI().Path()
		wc.Close()
		s.saveAttachmentTo(a, path)
	}, s.u.win)
	d.SetFileName(a.FileName())
	s.u.showDialog(d)
}

// saveAttachmentTo copies the file to path off the UI goroutine.
func (s *journalScreen) saveAttachmentTo(a data.Attachment, path string) {
	s.u.background(func(ctx context.Context) func() {
		err := s.u.store.SaveAttachmentAs(a, path)
		return func() {
			if err != nil {
				s.u.showError(lang.X("attach.save_failed", "The file could not be saved."), err)
			}
		}
	})
}

// removeAttachment takes a file off p, after asking.
func (s *journalScreen) removeAttachment(p *data.Practice, a data.Attachment) {
	s.u.confirm(lang.X("attach.remove_title", "Remove the file?"),
		lang.X("attach.remove_question", "{{.Name}} will no longer be part of this practice.", map[string]any{"Name": a.Name}),
		lang.X("attach.remove", "Remove"), lang.X("dialog.cancel", "Cancel"), func() {
			s.u.background(func(ctx context.Context) func() {
				err := s.u.store.RemoveAttachment(ctx, p.ID, a.Name)
				return func() {
					if err != nil {
						s.u.showError(lang.X("attach.remove_failed", "The file could not be removed."), err)
						return
					}
					s.u.journal.reload(p.ID)
				}
			})
		})
}
