// Package durable makes a rename survive a crash: after a file is written
// under a temporary name, synced and renamed into place, SyncDir syncs the
// directory that holds the new name.
//
// It lives under hf/ because hf/safetensors needs it and hf imports nothing
// of vlmask outside hf/; core/results, which writes results files the same
// way, imports it from here. It imports only the standard library.
package durable
