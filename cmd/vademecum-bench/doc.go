// Command vademecum-bench measures Vademecum against what people use instead:
// notes in a plain git repository, searched with `git grep` and shared with
// `git add`/`git commit`/`git push`. It generates a realistic journal (practices
// from ten organisations in six languages, with comments), builds hubs of two
// sizes, and prints one Markdown table: search latency, opening, initial and
// incremental sync, bytes on the wire and peak memory, and, given the desktop
// app (-app), its start on an X server of its own. `make bench` runs it.
//
// Everything runs on this machine: the hubs are bare repositories served by the
// real `git http-backend` on 127.0.0.1, and each measured step of the app runs in
// a child process (the CLI, or this command in a child mode) so its peak RSS is
// its own.
package main
