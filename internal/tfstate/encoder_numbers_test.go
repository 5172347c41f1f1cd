package tfstate

import (
	"bytes"
	"context"
	"math"
	"math/rand"
	"reflect"
	"testing"
	"testing/quick"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// frameworkNumber is how the framework writes v, through tftypes.
func frameworkNumber(t *testing.T, v attr.Value) []byte {
	t.Helper()
	tv, err := v.ToTerraformValue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	dv, err := tfprotov6.NewDynamicValue(tftypes.Number, tv)
	if err != nil {
		t.Fatal(err)
	}
	return dv.MsgPack
}

// fastNumber is how the encoder compiled for v's type writes v.
func fastNumber(t *testing.T, v attr.Value) []byte {
	t.Helper()
	enc, err := Compile(tftypes.Number, reflect.TypeOf(v))
	if err != nil {
		t.Fatal(err)
	}
	p := reflect.New(reflect.TypeOf(v))
	p.Elem().Set(reflect.ValueOf(v))
	b, err := enc.MarshalMsgPack(context.Background(), p.Interface())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sameNumber reports whether the encoder and the framework write v alike: the same bytes, which decode to equal values.
func sameNumber(t *testing.T, v attr.Value) bool {
	t.Helper()
	fast, framework := fastNumber(t, v), frameworkNumber(t, v)
	if !bytes.Equal(fast, framework) {
		t.Errorf("%s: the encoder writes %x, the framework %x", v, fast, framework)
		return false
	}
	got, err := (&tfprotov6.DynamicValue{MsgPack: fast}).Unmarshal(tftypes.Number)
	if err != nil {
		t.Errorf("%s: %v", v, err)
		return false
	}
	want, _ := (&tfprotov6.DynamicValue{MsgPack: framework}).Unmarshal(tftypes.Number)
	if !got.Equal(want) {
		t.Errorf("%s: decodes as %s, the framework's as %s", v, got, want)
		return false
	}
	return true
}

// TestEncoder_numbersAsTheFramework: for every float64 and int64, and the whole numbers beyond int64 that
// tftypes writes as exact decimal text (2^63, 1e300), the encoder writes what the framework writes.
func TestEncoder_numbersAsTheFramework(t *testing.T) {
	floats := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 99.5, 1e15 + 0.5, 1 << 53, 1<<53 + 2, 1 << 62,
		math.MaxInt64, -math.MaxInt64, math.MinInt64, math.Nextafter(math.MinInt64, -math.MaxFloat64),
		1 << 63, 1 << 64, 1e19, -1e19, 1e300, -1e300, math.MaxFloat64, -math.MaxFloat64,
		math.SmallestNonzeroFloat64, 1e-300, math.Inf(1), math.Inf(-1)}
	for _, f := range floats {
		sameNumber(t, types.Float64Value(f))
	}
	for _, n := range []int64{0, 1, -1, 127, 128, -32, -33, math.MaxInt32 + 1, math.MaxInt64, math.MinInt64} {
		sameNumber(t, types.Int64Value(n))
	}

	// Arbitrary bit patterns reach every exponent, whole numbers far beyond 2^63 included.
	anyFloat := func(bits uint64) bool {
		f := math.Float64frombits(bits)
		return math.IsNaN(f) || sameNumber(t, types.Float64Value(f)) // NaN is no Terraform number
	}
	cfg := &quick.Config{MaxCount: 20000, Rand: rand.New(rand.NewSource(1))}
	if err := quick.Check(anyFloat, cfg); err != nil {
		t.Error(err)
	}
	// Whole numbers of every magnitude, the ones that tftypes treats apart.
	wholeFloat := func(mantissa int64, shift uint8) bool {
		return sameNumber(t, types.Float64Value(math.Ldexp(float64(mantissa), int(shift%128))))
	}
	if err := quick.Check(wholeFloat, cfg); err != nil {
		t.Error(err)
	}
	if err := quick.Check(func(n int64) bool { return sameNumber(t, types.Int64Value(n)) }, cfg); err != nil {
		t.Error(err)
	}
}
