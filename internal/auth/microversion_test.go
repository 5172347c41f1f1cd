package auth

import (
	"testing"

	"github.com/gophercloud/gophercloud/v2/openstack/utils"
)

func TestMicroversion_pick(t *testing.T) {
	cases := []struct {
		s    utils.SupportedMicroversions
		want string
	}{
		{utils.SupportedMicroversions{MinMajor: 3, MinMinor: 0, MaxMajor: 3, MaxMinor: 70}, "3.64"},
		{utils.SupportedMicroversions{MinMajor: 3, MinMinor: 0, MaxMajor: 3, MaxMinor: 50}, "3.50"},
		{utils.SupportedMicroversions{MinMajor: 3, MinMinor: 0, MaxMajor: 3, MaxMinor: 64}, "3.64"},
		{utils.SupportedMicroversions{MinMajor: 3, MinMinor: 0, MaxMajor: 4, MaxMinor: 2}, "3.64"},
		{utils.SupportedMicroversions{MinMajor: 3, MinMinor: 65, MaxMajor: 3, MaxMinor: 70}, ""},
	}
	for _, c := range cases {
		got, _ := pickMicroversion(c.s)
		if got != c.want {
			t.Errorf("pickMicroversion(%+v) = %q, want %q", c.s, got, c.want)
		}
	}
	if MaxKnownMicroversion != "3.64" {
		t.Errorf("MaxKnownMicroversion = %s", MaxKnownMicroversion)
	}
}
