package tfstate

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// List is a list attribute whose elements are encoded as they are appended, so that they never
// exist as Go values all at once (a listing's items, a page at a time). A model field of type
// *List is written as a list of the Terraform type its elements were encoded as, nil as null;
// writing the model moves the elements' bytes into the result without copying them, so a List is
// written once.
type List struct {
	elem    *Encoder
	n       int
	out     chunkWriter
	w       *writer
	written bool
}

// NewList returns an empty list of values of e's Go type.
func (e *Encoder) NewList() *List {
	l := &List{elem: e}
	l.w = newWriter(context.Background(), &l.out)
	return l
}

// Append encodes *v, v a pointer to the Go type of the list's Encoder, as the list's next element.
func (l *List) Append(ctx context.Context, v any) error {
	if l.written {
		return errWrittenList
	}
	rv, err := l.elem.pointee(v)
	if err != nil {
		return err
	}
	l.w.ctx = ctx
	if err := l.elem.encode(l.w, rv); err != nil {
		return err
	}
	l.n++
	return nil
}

// Len is the number of elements appended.
func (l *List) Len() int { return l.n }

// Size is the number of bytes the elements take.
func (l *List) Size() int { return l.out.size }

var errWrittenList = errors.New("a tfstate.List is written once, and this one was written already")

// compileList writes a *List: its length, then its elements' bytes, after checking that they
// were encoded as the element type of t.
func compileList(t tftypes.Type) (encodeFunc, error) {
	lt, ok := t.(tftypes.List)
	if !ok {
		return nil, fmt.Errorf("cannot encode %s as %s", reflect.TypeFor[*List](), t)
	}
	return func(w *writer, v reflect.Value) error {
		l := v.Interface().(*List) //nolint:forcetypeassert // compiled for *List
		switch {
		case l == nil:
			return w.EncodeNil()
		case l.written:
			return errWrittenList
		case !l.elem.typ.Equal(lt.ElementType):
			return fmt.Errorf("cannot encode a list of %s as %s", l.elem.typ, t)
		}
		if err := w.EncodeArrayLen(l.n); err != nil {
			return err
		}
		w.chunks.splice(&l.out)
		l.written = true
		return nil
	}, nil
}
