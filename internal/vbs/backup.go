// Package vbs is the client of the volume backup API shared by Huawei Cloud VBS
// (/v2/{project_id}/backups/detail) and OpenStack Cinder (/v3/{project_id}/backups/detail).
//
// It has no Terraform imports so that it can be unit-tested and reused on its own.
package vbs

import "time"

// Statuses are the backup statuses the API knows; a filter on any other value silently matches nothing.
var Statuses = []string{"available", "error", "restoring", "creating", "deleting", "error_deleting", "error_restoring"}

// SortKeys are the sort keys the API accepts.
var SortKeys = []string{"name", "status", "container_format", "disk_format", "size", "id", "created_at", "updated_at"}

// SortDirs are the sort directions the API accepts.
var SortDirs = []string{"asc", "desc"}

// MaxPageSize is the largest page a server hands out by default (Cinder's osapi_max_limit).
const MaxPageSize = 1000

// ListOpts are the filters of one listing; each maps onto one query parameter.
type ListOpts struct {
	Name     string // query name; empty means no filter
	Status   string // query status
	VolumeID string // query volume_id
	SortKey  string // query sort_key
	SortDir  string // query sort_dir
	Offset   int64  // query offset, sent on the first request only; 0 means none
	Limit    int64  // at most this many backups in all; 0 means every backup
	PageSize int64  // query limit of each request; 0 means the server's own page size

	// Filter is applied by the client to every backup the walk reads; Limit counts its matches.
	Filter Filter
}

// Link is one entry of a backup's links.
type Link struct {
	Href string
	Rel  string
}

// Backup is one backup as the API returned it, with its metadata parsed.
// A nil pointer, map or slice means the API returned null or left the field out.
type Backup struct {
	ID                   string
	Name                 *string
	Status               *string
	AvailabilityZone     *string
	VolumeID             *string
	SnapshotID           *string
	FailReason           *string
	Container            *string
	Description          *string
	DescriptionText      *string
	IncrementalRequested *bool
	Size                 *int64
	ObjectCount          *int64
	CreatedAt            *time.Time
	UpdatedAt            *time.Time
	DataTimestamp        *time.Time
	TenantID             *string
	HasDependentBackups  *bool
	IsIncremental        *bool
	Incremental          *bool // IsIncremental where readable, else from ServiceMetadata.BackupType
	Links                []Link
	Metadata             map[string]string
	UserID               *string
	EncryptionKeyID      *string
	ServiceMetadataJSON  *string
	ServiceMetadata      *ServiceMetadata

	// Unreadable names the attributes whose value could not be read (and so are nil), e.g. "size",
	// "service_metadata.progress"; it never holds the values themselves, which may be secret.
	Unreadable []string
}

// ServiceMetadata is the parsed service_metadata of a Huawei VBS backup.
type ServiceMetadata struct {
	Deduplicated    *bool    // DL bit 0; DL absent means false
	Compressed      *bool    // DL bit 1; DL absent means false
	VolumeKey       *string  // VK, secret
	Bootable        *bool    // bootable
	BackupURL       *string  // backupurl
	StoragePath     *string  // SP
	VMID            *string  // VMID
	ServiceType     *string  // ST: disk, vm, disk_copy, vm_copy; absent means disk
	StorageType     *float64 // BT
	SpaceSavingRate *float64 // SS
	StorageUnitPath *string  // BP
	CMKID           *string  // CMKID
	Progress        *float64 // progress
	ChainSizeMB     *float64 // CS
	VolumeType      *string  // VT
	HostID          *string  // OMID
	BackupType      *string  // Type: full, incremental
	JobID           *string  // ebk_T_I
	AverageRateMbps *float64 // AT
	Extra           map[string]string
}

// ListResult is the outcome of one complete page walk.
type ListResult struct {
	Backups []Backup
	ListSummary
}

// ListSummary is what one complete page walk tells besides the backups.
type ListSummary struct {
	// Pages is how many pages were requested.
	Pages int
	// Unreadable is how many backups had at least one value that could not be read.
	Unreadable int
	// UnreadableSample describes the first such backup (id and attribute names, never values).
	UnreadableSample string
	// UnreadableAttributes are the names of every attribute that could not be read, sorted, each once.
	UnreadableAttributes []string
	// Unsorted describes the first backup out of the created_at order that the walk relied on to
	// stop early ("" when the server kept it or nothing relied on it); the walk then read every page.
	Unsorted string
}
