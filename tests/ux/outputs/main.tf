output "a_list" { value = tolist(["a", "b"]) }
output "b_tuple" { value = ["a", 1, true] }
output "c_map" { value = tomap({ "x" = "1", "y z" = "2" }) }
output "d_object" { value = { name = "n", count = 2, "with space" = true } }
output "e_set" { value = toset(["b", "a"]) }
output "f_multi" { value = "line one\nline two\n" }
output "g_null" { value = null }
output "h_number" { value = 1.5 }
output "i_nested" { value = { list = tolist([{ k = "v" }]), m = tomap({ a = tolist(["x"]) }) } }
output "j_empty_list" { value = tolist([]) }
output "k_empty_map" { value = tomap({}) }
output "l_multi_noend" { value = "x\ny" }
output "m_sensitive" {
  value     = "s"
  sensitive = true
}
output "n_str" { value = "plain" }
output "o_list_multi" { value = ["p\nq"] }
