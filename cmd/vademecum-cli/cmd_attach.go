package main

import (
	"errors"
	"flag"
	"strings"
	"text/tabwriter"

	"vademecum/data"
	"vademecum/internal/words"
)

func init() {
	register(&command{name: "practice attach", args: "ID FILE [--name NAME]",
		help: text("cli.cmd.practice_attach", "attach a file (PDF, office document, image; at most 30 MB) to a practice; prints its SHA-256"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.String("name", "", t.U("cli.flag.attach_name", "the name the file has in the practice (default: its own name)"))
		},
		run: runPracticeAttach})
	register(&command{name: "practice attachments", args: "ID [--json]",
		help: text("cli.cmd.practice_attachments", "the files attached to a practice"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.Bool("json", false, t.U("cli.flag.json.attachments", `print [{"name","sha256","size","media_type"}]`))
		},
		run: runPracticeAttachments})
	register(&command{name: "practice attachment get", args: "ID NAME --out FILE",
		help: text("cli.cmd.practice_attachment_get", "save a file attached to a practice"),
		flags: func(fs *flag.FlagSet, t tr) {
			fs.String("out", "", t.U("cli.flag.attachment_out", "where to save the file"))
		},
		run: runPracticeAttachmentGet})
	register(&command{name: "practice attachment remove", args: "ID NAME",
		help: text("cli.cmd.practice_attachment_remove", "take a file off a practice (a new edit)"),
		run:  runPracticeAttachmentRemove})
}

// attachErr words the errors of the attachment commands for the person typing.
func (c *ctx) attachErr(id, name string, err error) error {
	var big *data.AttachmentTooLargeError
	var kind *data.AttachmentKindError
	switch {
	case errors.As(err, &big):
		return c.fail("cli.attach.too_large", "{{.Name}} is too large to attach ({{.Size}} MB, at most {{.Max}} MB): make it smaller (a scan at a lower resolution, a photo resized) or share a link to it",
			words.Args{"Name": name, "Size": (big.Size + 1<<20 - 1) >> 20, "Max": big.Max >> 20})
	case errors.As(err, &kind):
		return c.fail("cli.attach.kind", "{{.Name}} cannot be attached: only PDF files, office documents (Word, Excel, PowerPoint, LibreOffice) and images (JPEG, PNG, GIF, WebP) can",
			words.Args{"Name": kind.Name})
	case errors.Is(err, data.ErrNoAttachment):
		return c.fail("cli.attach.none", "practice {{.ID}} has no attached file named {{.Name}} (see 'vademecum-cli practice attachments {{.ID}}')",
			words.Args{"ID": id, "Name": name})
	case errors.Is(err, data.ErrAttachmentNotHere):
		return c.fail("cli.attach.not_here", "the file {{.Name}} has not reached this computer yet: sync, then try again",
			words.Args{"Name": name})
	case errors.Is(err, data.ErrNotYours):
		return c.fail("cli.attach.not_yours", "practice {{.ID}} belongs to another organisation: only its organisation can attach files to it (add a comment instead)",
			words.Args{"ID": id})
	}
	return c.practiceErr(id, err)
}

func runPracticeAttach(c *ctx) error {
	if err := c.wantArgs(2, c.X("cli.want.practice_file", "a practice id and a file")); err != nil {
		return err
	}
	s, err := c.openInit()
	if err != nil {
		return err
	}
	id, path := c.args[0], c.args[1]
	name := str(c.fs, "name")
	if name == "" {
		name = baseName(path)
	}
	a, err := s.AttachFile(c, id, path, name)
	if err != nil {
		return c.attachErr(id, name, err)
	}
	if strings.HasPrefix(a.MediaType, "image/") {
		fprintln(c.stderr, c.X("cli.attach.faces", "an image may show people's faces or other details that tell who they are: share it only with their consent"))
	}
	fprintln(c.stdout, a.SHA256)
	return nil
}

// baseName is the last element of a path written with / or \.
func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

func runPracticeAttachments(c *ctx) error {
	if err := c.wantArgs(1, c.X("cli.want.practice", "a practice id")); err != nil {
		return err
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	p, err := s.GetPractice(c.args[0])
	if err != nil {
		return c.practiceErr(c.args[0], err)
	}
	list := p.Attachments
	if list == nil {
		list = []data.Attachment{}
	}
	if on(c.fs, "json") {
		return c.jsonOut(list)
	}
	w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fprintln(w, c.X("cli.attachments.header", "NAME\tSIZE\tKIND\tSHA-256\tON THIS COMPUTER"))
	for _, a := range list {
		here := c.X("cli.attachments.here", "yes")
		if !s.HasAttachment(a.SHA256) {
			here = c.X("cli.attachments.not_here", "not yet")
		}
		fprintf(w, "%s\t%d\t%s\t%s\t%s\n", a.Name, a.Size, a.MediaType, a.SHA256, here)
	}
	return w.Flush()
}

func runPracticeAttachmentGet(c *ctx) error {
	if err := c.wantArgs(2, c.X("cli.want.practice_name", "a practice id and the name of an attached file")); err != nil {
		return err
	}
	out := str(c.fs, "out")
	if out == "" {
		return c.usage("cli.attachment.out", "--out needs the file to save to")
	}
	s, err := c.open()
	if err != nil {
		return err
	}
	id, name := c.args[0], c.args[1]
	a, err := s.FindAttachment(id, name)
	if err != nil {
		return c.attachErr(id, name, err)
	}
	if err := s.SaveAttachmentAs(a, out); err != nil {
		return c.attachErr(id, name, err)
	}
	return nil
}

func runPracticeAttachmentRemove(c *ctx) error {
	if err := c.wantArgs(2, c.X("cli.want.practice_name", "a practice id and the name of an attached file")); err != nil {
		return err
	}
	s, err := c.openInit()
	if err != nil {
		return err
	}
	id, name := c.args[0], c.args[1]
	if err := s.RemoveAttachment(c, id, name); err != nil {
		return c.attachErr(id, name, err)
	}
	return nil
}
