package vbs

// tally is what a walk learns of how many backups the API's own filters select.
type tally struct {
	counted  *int64 // the first page's count, where with_count was sent
	distinct int64  // backups seen, each once
	whole    bool   // every backup of every page was seen: the walk ended at the last page
}

// total is the size of the listing: the server's count where it gave one that what the walk saw
// does not contradict, else the backups the walk saw where it saw them all from the start (an
// offset skips backups it never sees), else nil. offQuery backups, which the server returned
// against its own query (a filter or project it did not apply), are not counted.
func (t *tally) total(opts *ListOpts, offQuery int64) *int64 {
	seen := t.distinct - offQuery
	switch {
	case t.counted != nil && *t.counted >= seen:
		return t.counted
	case t.whole && opts.Offset == 0:
		return &seen
	}
	return nil
}

// pageCount is the count member of a page (Cinder from 3.45, with with_count), if it is a whole
// number that can be trusted to mean one: a server's answer is untrusted, and a count that is not
// one is treated as no count at all. body is valid JSON, which decodePage checked.
func pageCount(body []byte) *int64 {
	var n *int64
	for key, v := range each(body) {
		if string(key) != "count" {
			continue
		}
		var f intField
		_ = f.UnmarshalJSON(v) // never fails
		n = nil                // the last of repeated keys wins, as encoding/json has it
		if f.set && f.v >= 0 && v[0] != '"' {
			n = &f.v
		}
	}
	return n
}
