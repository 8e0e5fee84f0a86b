"""Business services: one module per business object, each the only door to its rows, every
function taking the actor (who is asking) explicitly and deciding what that actor may do."""
