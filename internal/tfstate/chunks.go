package tfstate

// chunkWriter collects bytes in chunks, so that a growing state of 100 MB is never copied into a
// buffer twice as large, and another chunkWriter's bytes can be appended without copying them.
// bytes joins the chunks once, into a slice of exactly the state's size.
type chunkWriter struct {
	chunks [][]byte // full, or spliced in
	cur    []byte   // the chunk being written, nil after a splice
	last   int      // the capacity of the last chunk allocated
	size   int
}

// The chunks grow from minChunk, for the many small states, to maxChunk.
const (
	minChunk = 4 << 10
	maxChunk = 1 << 20
)

func (c *chunkWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if len(c.cur) == cap(c.cur) {
			c.grow()
		}
		k := copy(c.cur[len(c.cur):cap(c.cur)], p)
		c.cur = c.cur[:len(c.cur)+k]
		p = p[k:]
	}
	c.size += n
	return n, nil
}

// WriteByte spares the msgpack encoder a one-byte slice per call.
func (c *chunkWriter) WriteByte(b byte) error {
	if len(c.cur) == cap(c.cur) {
		c.grow()
	}
	c.cur = append(c.cur, b)
	c.size++
	return nil
}

// grow starts a new chunk, twice as large as the last one, up to maxChunk.
func (c *chunkWriter) grow() {
	c.flush()
	c.last = min(max(2*c.last, minChunk), maxChunk)
	c.cur = make([]byte, 0, c.last)
}

// flush moves the current chunk, unless empty, to the full ones.
func (c *chunkWriter) flush() {
	if len(c.cur) > 0 {
		c.chunks = append(c.chunks, c.cur)
	}
	c.cur = nil
}

// splice appends the bytes of o, which is left empty, without copying them.
func (c *chunkWriter) splice(o *chunkWriter) {
	c.flush()
	o.flush()
	c.chunks = append(c.chunks, o.chunks...)
	c.size += o.size
	*o = chunkWriter{}
}

// bytes joins the chunks, which it drops, into one slice.
func (c *chunkWriter) bytes() []byte {
	c.flush()
	if len(c.chunks) == 1 {
		return c.chunks[0]
	}
	out := make([]byte, 0, c.size)
	for i, chunk := range c.chunks {
		out = append(out, chunk...)
		c.chunks[i] = nil
	}
	c.chunks = nil
	return out
}
