// Package hubgen builds hubs of realistic, signed journals for benchmarks: the
// practices and comments of data/datagen from the ten partner organisations,
// each record signed by an installation of its owner, the practices and
// comments sealed with keys of their own as hub format 4 writes them, in one
// commit of a bare repository beside the key branch, packed by git. cmd/vademecum-bench and the sync package's Go
// benchmarks (first sync, one-note sync) share it.
package hubgen
