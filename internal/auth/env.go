package auth

import (
	"os"
	"strconv"
)

// ApplyEnvironment fills every unset field from the environment variables of its Setting (nil
// lookup means os.LookupEnv). An explicit setting always wins, and an empty variable counts as
// unset so that an exported but blank OS_TOKEN does not hide HW_AUTH_TOKEN.
func (c *Config) ApplyEnvironment(lookup func(string) (string, bool)) {
	if lookup == nil {
		lookup = os.LookupEnv
	}
	// No Count setting has a variable (TestSettings_table keeps it so); one that gets one needs
	// a parse here, as Bool has.
	for _, s := range settings {
		name, value, ok := firstSet(lookup, s.Env)
		if !ok {
			continue
		}
		switch s.Kind() {
		case String:
			if *s.str(c) != "" {
				continue
			}
			*s.str(c) = value
		case Bool:
			if *s.flag(c) != nil || !c.parseBool(s, name, value) {
				continue
			}
		}
		c.noteSource(s.Name, name)
	}
}

// parseBool defers a malformed value (of OS_INSECURE) to Connect, which can report it
// as a ConfigError, rather than silently verifying or not verifying certificates.
func (c *Config) parseBool(s Setting, name, value string) bool {
	b, err := strconv.ParseBool(value)
	if err != nil {
		c.envErrors = append(c.envErrors, &ConfigError{
			Attributes: []string{s.Name},
			Summary:    "Invalid " + name,
			Detail:     name + " must be true or false, got " + strconv.Quote(value) + ".",
		})
		return false
	}
	*s.flag(c) = &b
	return true
}

func firstSet(lookup func(string) (string, bool), names []string) (name, value string, ok bool) {
	for _, n := range names {
		if v, found := lookup(n); found && v != "" {
			return n, v, true
		}
	}
	return "", "", false
}

func (c *Config) noteSource(attr, env string) {
	if attr == "" {
		return
	}
	if c.sources == nil {
		c.sources = map[string]string{}
	}
	c.sources[attr] = env
}

// describe names an argument for a message, with the variable it came from, never its value.
func (c *Config) describe(attr string) string {
	if env, ok := c.sources[attr]; ok {
		return attr + " (from " + env + ")"
	}
	return attr
}

// isSet reports whether the string argument attr has a value; unknown names are unset.
func (c *Config) isSet(attr string) bool {
	for _, s := range settings {
		if s.Name == attr && s.Kind() == String {
			return *s.str(c) != ""
		}
	}
	return false
}
