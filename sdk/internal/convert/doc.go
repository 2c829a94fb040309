// Package convert holds the field-by-field conversions between the sdk's
// types and their protobuf messages that both ends of the plugin protocol
// need: groups (the plugin sends them in a Mask response and receives them
// in a Score request, the host the other way round), tokens and image
// infos (the host sends them, the plugin reads them). Package sdk (the
// plugin's side) and sdk/hostrpc (the host's side) import it.
//
// Package sdk defines the types and also imports this package, so this
// package cannot import sdk. Its functions take the sdk types as type
// parameters whose constraint spells out their struct shape (~struct{...}):
// only sdk.Group fits GroupsToProto's, and the compiler checks that the
// shapes here stay the sdk's — a field added to sdk.Token fails the build at
// the call sites until the conversion here learns it.
package convert
