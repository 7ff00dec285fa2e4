// Package atomicfile puts files in place so that a crash, a power cut or a
// pulled USB stick leaves either the old file or the new one, never a mix: the
// content goes to a temporary file in the same folder, is flushed to the disk,
// renamed over the target, and the folder itself is flushed so that the rename
// survives too. On Windows a rename that meets a sharing violation (an
// antivirus or indexer holding the file for a moment) is retried.
//
// It is the one way the project writes a file atomically; it imports nothing
// of the project, so every layer may use it.
package atomicfile
