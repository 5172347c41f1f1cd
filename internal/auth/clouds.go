package auth

// The clouds.yaml entry (OS_CLOUD), read through gophercloud with the provider arguments on top.

import (
	"github.com/gophercloud/gophercloud/v2"
	"github.com/gophercloud/gophercloud/v2/openstack/config/clouds"
)

// cloudSettings reads the clouds.yaml entry through gophercloud, with every provider argument
// that is set taking the place of the entry's value.
func (c *Config) cloudSettings() (keystoneSettings, error) {
	ao, eo, tlsConfig, err := clouds.Parse(c.cloudParseOptions()...)
	if err != nil {
		return keystoneSettings{}, &ConfigError{
			Attributes: []string{"cloud"},
			Summary:    "Cannot use clouds.yaml",
			Detail:     "Cloud " + c.Cloud + ": " + err.Error(),
		}
	}
	if ao.IdentityEndpoint == "" {
		return keystoneSettings{}, &ConfigError{
			Attributes: []string{"cloud", "auth_url"},
			Summary:    "Missing auth_url",
			Detail:     "Cloud " + c.Cloud + " in clouds.yaml has no auth_url and none is configured.",
		}
	}
	c.overrideCloudProject(&ao)
	c.overrideCloudDomains(&ao)
	c.overrideCloudMethod(&ao)
	tidyAuthOptions(&ao)
	return keystoneSettings{auth: ao, region: eo.Region, availability: eo.Availability, tls: tlsConfig}, nil
}

func (c *Config) cloudParseOptions() []clouds.ParseOption {
	opts := []clouds.ParseOption{clouds.WithCloudName(c.Cloud)}
	if c.CloudsFile != "" {
		opts = append(opts, clouds.WithLocations(c.CloudsFile))
	}
	if c.EndpointType != "" {
		opts = append(opts, clouds.WithEndpointType(endpointTypes[c.EndpointType]))
	}
	for _, o := range []struct {
		value  string
		option func(string) clouds.ParseOption
	}{
		{c.AuthURL, clouds.WithIdentityEndpoint},
		{c.Region, clouds.WithRegion},
		{c.UserName, clouds.WithUsername},
		{c.UserID, clouds.WithUserID},
		{c.Password, clouds.WithPassword},
		{c.Token, clouds.WithToken},
		{c.ProjectID, clouds.WithProjectID},
		{c.ProjectName, clouds.WithProjectName},
		{c.ApplicationCredentialID, clouds.WithApplicationCredentialID},
		{c.ApplicationCredentialName, clouds.WithApplicationCredentialName},
		{c.ApplicationCredentialSecret, clouds.WithApplicationCredentialSecret},
	} {
		if o.value != "" {
			opts = append(opts, o.option(o.value))
		}
	}
	return opts
}

// overrideCloudProject lets a project_name argument replace the entry's project_id, which
// clouds.Parse would otherwise prefer to any project name; overrideCloudDomains then gives it
// the project domain of the arguments.
func (c *Config) overrideCloudProject(ao *gophercloud.AuthOptions) {
	if c.ProjectName == "" || c.ProjectID != "" || ao.Scope == nil || ao.Scope.ProjectID == "" {
		return
	}
	ao.Scope = &gophercloud.AuthScope{ProjectName: c.ProjectName}
	ao.TenantID, ao.TenantName = "", c.ProjectName
}

// overrideCloudDomains applies the domain arguments, which clouds.Parse has no option for
// without also scoping the token to the domain.
func (c *Config) overrideCloudDomains(ao *gophercloud.AuthOptions) {
	fallback := domainRef{id: c.DefaultDomain}
	setUserDomain(ao, firstDomain(c.userDomain(), domainRef{id: ao.DomainID}, domainRef{name: ao.DomainName}, fallback))
	if ao.Scope != nil && ao.Scope.ProjectName != "" {
		d := firstDomain(c.projectDomain(), domainRef{id: ao.Scope.DomainID}, domainRef{name: ao.Scope.DomainName}, fallback)
		ao.Scope.DomainID, ao.Scope.DomainName = d.id, d.name
	}
}

// overrideCloudMethod lets a credential given as a provider argument replace the entry's own
// method instead of being sent alongside it (Keystone would pick one by its own rules).
func (c *Config) overrideCloudMethod(ao *gophercloud.AuthOptions) {
	appCred := c.ApplicationCredentialID != "" || c.ApplicationCredentialName != "" || c.ApplicationCredentialSecret != ""
	if c.Password != "" || appCred {
		ao.TokenID = ""
	}
	if c.Token != "" || appCred {
		ao.Password = ""
	}
	if c.Password != "" || c.Token != "" {
		ao.ApplicationCredentialID, ao.ApplicationCredentialName, ao.ApplicationCredentialSecret = "", "", ""
	}
}
