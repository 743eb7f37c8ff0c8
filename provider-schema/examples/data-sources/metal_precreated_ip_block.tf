data "metal_precreated_ip_block" "private" {
  project_id     = metal_project.demo.id
  metro          = "ny"
  address_family = 4
  public         = false
}
