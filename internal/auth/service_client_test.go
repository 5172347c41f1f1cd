package auth

import (
	"context"

	"github.com/gophercloud/gophercloud/v2"
)

// NewServiceClient is Connect's service client, for the tests that look at the client alone.
func NewServiceClient(ctx context.Context, cfg Config) (*gophercloud.ServiceClient, error) {
	c, err := Connect(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return c.ServiceClient, nil
}
